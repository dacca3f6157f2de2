! nstream (Parallel Research Kernels) in Coarray Fortran: the peer of bench/kernels/nstream.pgas.
! Arguments: TOTAL_LENGTH ITERATIONS (split evenly over the images). Prints
! `RESULT nstream_rate MB/s` (all images, PRK byte count 4*8 per element) or INVALID.
program nstream
  use bench_common
  implicit none
  integer :: n, iterations, k, errors, np
  real(dp), allocatable :: a(:), b(:), c(:)
  real(dp), parameter :: scalar = 3
  real(dp) :: t, expected
  np = num_images()
  n = arg_int(1, 4000000) / np
  iterations = arg_int(2, 20)
  allocate (a(n), b(n), c(n))
  a = 0
  b = 2
  c = 2
  call triad(a, b, c, scalar)
  sync all
  t = wtime()
  do k = 1, iterations
    call triad(a, b, c, scalar)
  end do
  sync all
  t = wtime() - t
  call co_max(t)
  expected = (iterations + 1) * (2 + scalar * 2)
  errors = count(abs(a - expected) > 1d-8 * expected)
  call co_sum(errors)
  if (this_image() == 1) then
    if (errors /= 0) call fail('nstream: wrong elements')
    call report('nstream_rate', 4d0 * 8 * n * np * iterations / t / 1d6, 'MB/s')
  end if
end program nstream
