! Random access (GUPS-style) in Coarray Fortran: the peer of bench/kernels/gups.pgas (same
! xorshift stream, block-distributed table, remote atomic add; a second pass adding the negated
! values must restore the table). Arguments: LOG2_TABLE UPDATES_PER_IMAGE. Prints
! `RESULT gups_rate Mup/s`. (atomic_add, not HPCC's xor: Debian's OpenCoarrays lacks atomic_xor.)
program gups
  use iso_fortran_env, only: atomic_int_kind
  use bench_common
  implicit none
  integer :: np, me, total, updates, ts, i, errors
  integer(atomic_int_kind), allocatable :: table(:)[:]
  real(dp) :: t
  np = num_images()
  me = this_image() - 1
  total = ishft(1, arg_int(1, 20))
  updates = arg_int(2, 100000)
  ts = total / np
  allocate (table(0:ts - 1)[*])
  do i = 0, ts - 1
    table(i) = me * ts + i
  end do
  sync all
  t = wtime()
  call run_updates(1)
  sync all
  t = wtime() - t
  call co_max(t)
  call run_updates(-1)
  sync all
  errors = 0
  do i = 0, ts - 1
    if (table(i) /= me * ts + i) errors = errors + 1
  end do
  call co_sum(errors)
  if (me == 0) then
    if (errors /= 0 .or. ts * np /= total) call fail('gups: wrong elements')
    call report('gups_rate', real(updates, dp) * np / t / 1d6, 'Mup/s')
  end if
contains
  subroutine run_updates(sign)
    integer, intent(in) :: sign
    integer :: x, u, g
    x = me * 7919 + 12345
    do u = 1, updates
      x = ieor(x, ishft(x, 13))
      x = ieor(x, ishft(x, -17))
      x = ieor(x, ishft(x, 5))
      g = iand(ishft(x, -8), total - 1)
      call atomic_add(table(mod(g, ts))[g / ts + 1], sign * x)
    end do
  end subroutine run_updates
end program gups
