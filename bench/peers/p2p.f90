! synch_p2p (Parallel Research Kernels) in Coarray Fortran: the peer of bench/kernels/p2p.pgas,
! mirrored for column-major storage (blocks of rows, the pipeline runs along the columns; each
! column's edge value is put into the next image's ghost row and signalled with sync images).
! Arguments: M N ITERATIONS. Prints `RESULT p2p_rate MFlop/s` or INVALID.
program p2p
  use bench_common
  implicit none
  integer :: m, n, iterations, np, me, lo, nl, lr, start, i, j, k, errors
  real(dp), allocatable :: a(:, :)[:]
  real(dp) :: t
  np = num_images()
  me = this_image() - 1
  m = arg_int(1, 1000)
  n = arg_int(2, 1000)
  iterations = arg_int(3, 3)
  ! image p owns rows first_row(p) .. first_row(p+1)-1 (the pipeline runs along j = 0..N-1)
  lr = (m + np - 1) / np
  allocate (a(0:lr, 0:n - 1)[*])          ! local row 0 is the ghost row
  a = 0
  lo = me * m / np
  nl = (me + 1) * m / np - lo
  do i = 0, nl
    a(i, 0) = real(lo + i - 1, dp)
  end do
  start = 1
  if (me == 0) then
    do j = 0, n - 1
      a(1, j) = real(j, dp)
    end do
    start = 2
  end if
  sync all
  call sweep()
  sync all
  t = wtime()
  do k = 1, iterations
    call sweep()
  end do
  t = wtime() - t
  call co_max(t)
  errors = 0
  do j = 0, n - 1
    do i = 1, nl
      if (a(i, j) /= real(j + lo + i - 1, dp)) errors = errors + 1
    end do
  end do
  call co_sum(errors)
  if (me == 0) then
    if (errors /= 0) call fail('p2p: wrong points')
    call report('p2p_rate', 2d0 * (m - 1) * real(n - 1, dp) * iterations / t / 1d6, 'MFlop/s')
  end if
contains
  subroutine sweep()
    integer :: i, j
    do j = 1, n - 1
      if (me > 0) sync images(me)
      do i = start, nl
        a(i, j) = a(i - 1, j) + a(i, j - 1) - a(i - 1, j - 1)
      end do
      if (me < np - 1) then
        a(0, j)[me + 2] = a(nl, j)
        sync images(me + 2)
      end if
    end do
  end subroutine sweep
end program p2p
