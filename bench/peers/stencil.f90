! stencil (Parallel Research Kernels) in Coarray Fortran: the peer of bench/kernels/stencil.pgas,
! mirrored for column-major storage (blocks of N/P columns, 2-column halos fetched by coarray
! gets). Arguments: N ITERATIONS. Prints `RESULT stencil_rate MFlop/s` or INVALID.
program stencil
  use bench_common
  implicit none
  integer, parameter :: r = 2
  integer :: n, iterations, np, me, lc, col0, i, j, k, errors
  real(dp), allocatable :: grid(:, :)[:], out(:, :)
  real(dp) :: t, expected, active
  np = num_images()
  me = this_image() - 1
  n = arg_int(1, 1024)
  iterations = arg_int(2, 10)
  lc = n / np
  if (lc * np /= n .or. lc < r) call fail('stencil: order does not split into blocks of 2+ columns')
  allocate (grid(0:n - 1, 0:lc + 2 * r - 1)[*], out(0:n - 1, 0:lc - 1))
  col0 = me * lc
  do j = 0, lc + 2 * r - 1
    do i = 0, n - 1
      grid(i, j) = real(i + col0 + j - r, dp)
    end do
  end do
  out = 0
  call step()
  t = wtime()
  do k = 1, iterations
    call step()
  end do
  t = wtime() - t
  call co_max(t)
  expected = 2d0 * (iterations + 1)
  errors = 0
  do j = 0, lc - 1
    if (col0 + j >= r .and. col0 + j < n - r) then
      do i = r, n - r - 1
        if (abs(out(i, j) - expected) > 1d-9 * expected) errors = errors + 1
      end do
    end if
  end do
  call co_sum(errors)
  if (me == 0) then
    if (errors /= 0) call fail('stencil: wrong points')
    active = real(n - 2 * r, dp)**2
    call report('stencil_rate', (2d0 * (4 * r + 1) + 1) * active * iterations / t / 1d6, 'MFlop/s')
  end if
contains
  subroutine step()
    integer :: i, j, jlo, jhi
    sync all
    if (me > 0) grid(:, 0:r - 1) = grid(:, lc:lc + r - 1)[me]
    if (me < np - 1) grid(:, lc + r:lc + 2 * r - 1) = grid(:, r:2 * r - 1)[me + 2]
    jlo = max(r, 2 * r - col0)
    jhi = min(lc + r, n - col0) - 1
    do j = jlo, jhi
      do i = r, n - r - 1
        out(i, j - r) = out(i, j - r) + (grid(i + 1, j) - grid(i - 1, j) + grid(i, j + 1) - grid(i, j - 1)) * 0.25d0 &
          + (grid(i + 2, j) - grid(i - 2, j) + grid(i, j + 2) - grid(i, j - 2)) * 0.125d0
      end do
    end do
    sync all
    grid(:, r:lc + r - 1) = grid(:, r:lc + r - 1) + 1
  end subroutine step
end program stencil
