! transpose (Parallel Research Kernels) in Coarray Fortran: the peer of bench/kernels/transpose.pgas,
! mirrored for column-major storage (blocks of N/P columns; each image fetches a tile from every
! image, one contiguous column piece per get). Arguments: ORDER ITERATIONS. Prints `RESULT transpose_rate MB/s` or INVALID.
program transpose
  use bench_common
  implicit none
  integer :: order, iterations, np, me, lc, col0, k, i, j, errors
  real(dp), allocatable :: a(:, :)[:], b(:, :), tile(:, :)
  real(dp) :: t, kk, expected
  np = num_images()
  me = this_image() - 1
  order = arg_int(1, 1024)
  iterations = arg_int(2, 10)
  lc = order / np
  if (lc * np /= order) call fail('transpose: order is not a multiple of the image count')
  allocate (a(0:order - 1, 0:lc - 1)[*], b(0:order - 1, 0:lc - 1), tile(0:lc - 1, 0:lc - 1))
  col0 = me * lc
  do j = 0, lc - 1
    do i = 0, order - 1
      a(i, j) = real(i, dp) * order + (col0 + j)   ! A(i, j) = i*N + j, transposed storage
    end do
  end do
  b = 0
  sync all
  call step()
  t = wtime()
  do k = 1, iterations
    call step()
  end do
  t = wtime() - t
  call co_max(t)
  kk = iterations + 1
  errors = 0
  do j = 0, lc - 1
    do i = 0, order - 1
      expected = kk * (real(col0 + j, dp) * order + i) + kk * (kk - 1) / 2
      if (abs(b(i, j) - expected) > 1d-8 * expected + 1d-8) errors = errors + 1
    end do
  end do
  call co_sum(errors)
  if (me == 0) then
    if (errors /= 0) call fail('transpose: wrong elements')
    call report('transpose_rate', 2d0 * 8 * order * real(order, dp) * iterations / t / 1d6, 'MB/s')
  end if
contains
  subroutine step()
    integer :: q, i, k
    do q = 1, np
      do k = 0, lc - 1                   ! contiguous column pieces: OpenCoarrays moves a strided
        tile(:, k) = a(col0:col0 + lc - 1, k)[q]   ! section element by element, far slower
      end do
      do i = 0, lc - 1
        do k = 0, lc - 1
          b((q - 1) * lc + k, i) = b((q - 1) * lc + k, i) + tile(i, k)
        end do
      end do
    end do
    sync all
    a = a + 1
    sync all
  end subroutine step
end program transpose
