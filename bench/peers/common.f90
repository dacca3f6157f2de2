! Shared helpers for the Coarray Fortran peers: wall clock, integer program arguments and the
! machine-readable result line the harness parses ("RESULT name value unit"), the nstream triad.
! Consumed by every peer program in bench/peers/ (compiled together with it by the harness).
module bench_common
  implicit none
  integer, parameter :: dp = kind(1.0d0)
contains
  function wtime() result(t)
    real(dp) :: t
    integer(8) :: count, rate
    call system_clock(count, rate)
    t = real(count, dp) / real(rate, dp)
  end function wtime

  function arg_int(i, default) result(v)
    integer, intent(in) :: i, default
    integer :: v, length, status
    character(len=64) :: text
    v = default
    call get_command_argument(i, text, length, status)
    if (status == 0 .and. length > 0) read (text, *) v
  end function arg_int

  function arg_str(i) result(text)
    integer, intent(in) :: i
    character(len=32) :: text
    text = ''
    call get_command_argument(i, text)
  end function arg_str

  subroutine report(name, value, unit)
    character(len=*), intent(in) :: name, unit
    real(dp), intent(in) :: value
    write (*, '(a, 1x, a, 1x, es14.6, 1x, a)') 'RESULT', trim(name), value, trim(unit)
    flush (6)
  end subroutine report

  ! The nstream triad lives here, in another compilation unit than its caller, so that gfortran
  ! cannot see through the iterations and merge them: each call must stream the arrays again.
  subroutine triad(a, b, c, s)
    real(dp), intent(inout) :: a(:)
    real(dp), intent(in) :: b(:), c(:), s
    integer :: i
    do i = 1, size(a)
      a(i) = a(i) + b(i) + s * c(i)
    end do
  end subroutine triad

  subroutine fail(message)
    character(len=*), intent(in) :: message
    write (*, '(a, 1x, a)') 'INVALID', message
    flush (6)
    error stop 1
  end subroutine fail
end module bench_common
