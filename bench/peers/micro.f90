! Micro benchmarks for Coarray Fortran (OpenCoarrays): the peer of bench/kernels/micro.pgas.
! Arguments: TEST COUNT, TEST one of latency bandwidth sync synccold cosum fineput. Prints RESULT lines
! (times of image 1, the first image) and INVALID + error stop when a check fails. Each timed
! loop runs once untimed first, as in micro.pgas (whose JIT needs the warm-up).
program micro
  use bench_common
  implicit none
  character(len=32) :: test
  integer :: count, me, np
  test = arg_str(1)
  count = arg_int(2, 1000)
  me = this_image()
  np = num_images()
  select case (trim(test))
  case ('latency')
    call latency(count)
  case ('bandwidth')
    call bandwidth(count)
  case ('sync')
    call barrier(count)
  case ('synccold')
    call barrier_cold(count)
  case ('cosum')
    call cosum(count)
  case ('fineput')
    call fineput(count)
  case default
    call fail('unknown test ' // trim(test))
  end select
contains
  ! Scalar get and put between the first and the last image (the farthest apart).
  subroutine latency(n)
    integer, intent(in) :: n
    real(dp), save :: cell(8)[*]
    real(dp) :: acc, t
    integer :: i, far
    far = np
    cell = real(me, dp)
    sync all
    if (me == 1) then
      acc = 0
      do i = 1, n
        acc = acc + cell(iand(i, 7) + 1)[far]
      end do
      t = wtime()
      do i = 1, n
        acc = acc + cell(iand(i, 7) + 1)[far]
      end do
      t = wtime() - t
      if (acc /= real(far, dp) * (2 * n)) call fail('latency: wrong values read')
      call report('get_latency', t / n * 1d6, 'us')
      do i = 1, n
        cell(iand(i, 7) + 1)[far] = real(i, dp)
      end do
      sync memory
      t = wtime()
      do i = 1, n
        cell(iand(i, 7) + 1)[far] = real(i, dp)
      end do
      sync memory
      t = wtime() - t
      call report('put_latency', t / n * 1d6, 'us')
    end if
    sync all
  end subroutine latency

  ! Bulk get and put of 8 B .. 8 MiB between images 1 and 2; COUNT scales the repetitions.
  subroutine bandwidth(budget)
    integer, intent(in) :: budget
    integer, parameter :: maxn = 1048576
    real(dp), allocatable :: remote(:)[:]
    real(dp), allocatable :: buffer(:)
    integer :: sizes(8) = [1, 8, 64, 512, 4096, 32768, 262144, 1048576]
    integer :: k, n, reps, i
    real(dp) :: t
    character(len=32) :: name
    allocate (remote(maxn)[*], buffer(maxn))
    remote = real(me, dp)
    buffer = 0
    sync all
    if (me == 1) then
      do k = 1, size(sizes)
        n = sizes(k)
        ! at least 32 timed and 16 untimed transfers: the largest sizes are measured warm too
        reps = max(32, min(budget, int(budget * 64_8 / n)))
        do i = 1, max(16, reps / 4)
          buffer(1:n) = remote(1:n)[2]
          remote(1:n)[2] = buffer(1:n)
        end do
        sync memory
        t = wtime()
        do i = 1, reps
          buffer(1:n) = remote(1:n)[2]
        end do
        t = wtime() - t
        if (buffer(n) /= 2) call fail('bandwidth: wrong values read')
        write (name, '(a, i0)') 'bulk_get_', n * 8
        call report(name, t / reps * 1d6, 'us')
        t = wtime()
        do i = 1, reps
          remote(1:n)[2] = buffer(1:n)
        end do
        sync memory
        t = wtime() - t
        write (name, '(a, i0)') 'bulk_put_', n * 8
        call report(name, t / reps * 1d6, 'us')
      end do
    end if
    sync all
  end subroutine bandwidth

  subroutine barrier(n)
    integer, intent(in) :: n
    integer :: i
    real(dp) :: t
    do i = 1, n
      sync all
    end do
    t = wtime()
    do i = 1, n
      sync all
    end do
    t = wtime() - t
    if (me == 1) call report('sync_all', t / n * 1d6, 'us')
  end subroutine barrier

  ! The first COUNT barriers of a run, warm-up included (the peer of micro.pgas's barrierCold).
  subroutine barrier_cold(n)
    integer, intent(in) :: n
    integer :: i
    real(dp) :: t
    sync all
    t = wtime()
    do i = 1, n
      sync all
    end do
    t = wtime() - t
    if (me == 1) call report('sync_all_cold', t / n * 1d6, 'us')
  end subroutine barrier_cold

  ! co_sum of one double (COUNT times) and of 1 M doubles (COUNT/100 times, at least 3).
  subroutine cosum(n)
    integer, intent(in) :: n
    integer, parameter :: big = 1048576
    real(dp) :: x, t
    real(dp), allocatable :: v(:)
    integer :: i, reps
    do i = 1, n
      x = 1
      call co_sum(x)
    end do
    t = wtime()
    do i = 1, n
      x = real(me, dp)
      call co_sum(x)
    end do
    t = wtime() - t
    if (x /= real(np, dp) * (np + 1) / 2) call fail('cosum: wrong scalar sum')
    if (me == 1) call report('co_sum_scalar', t / n * 1d6, 'us')
    allocate (v(big))
    reps = max(3, n / 1000)
    v = 1
    call co_sum(v)
    t = wtime()
    do i = 1, reps
      v = real(me, dp)
      call co_sum(v)
    end do
    t = wtime() - t
    if (v(big) /= real(np, dp) * (np + 1) / 2) call fail('cosum: wrong vector sum')
    if (me == 1) call report('co_sum_1m', t / reps * 1d3, 'ms')
  end subroutine cosum

  ! Every image puts COUNT doubles to scattered offsets of its right neighbour's table, then one
  ! sync all completes them; the rate is all images' puts per second.
  subroutine fineput(n)
    integer, intent(in) :: n
    integer, parameter :: table_size = 1048576, stride = 7919
    real(dp), allocatable :: table(:)[:]
    integer :: i, idx, right, left, errors, round
    real(dp) :: t
    allocate (table(0:table_size - 1)[*])
    table = -1
    right = mod(me, np) + 1
    left = mod(me - 2 + np, np) + 1
    ! three untimed rounds, as in micro.pgas
    do round = 1, 3
      sync all
      idx = 0
      do i = 1, n
        table(idx)[right] = -real(i, dp)
        idx = idx + stride
        if (idx >= table_size) idx = idx - table_size
      end do
    end do
    sync all
    t = wtime()
    idx = 0
    do i = 1, n
      table(idx)[right] = real(i, dp)
      idx = idx + stride
      if (idx >= table_size) idx = idx - table_size
    end do
    sync all
    t = wtime() - t
    errors = 0
    idx = 0
    do i = 1, n
      if (table(idx) /= real(i, dp)) errors = errors + 1
      idx = idx + stride
      if (idx >= table_size) idx = idx - table_size
    end do
    call co_sum(errors)
    call co_max(t)
    if (errors /= 0) call fail('fineput: values missing after sync all')
    if (me == 1) call report('fine_put_rate', real(n, dp) * np / t, 'puts/s')
  end subroutine fineput
end program micro
