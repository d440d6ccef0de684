import Foundation
import Synchronization

/// Work for another core: a helper thread takes it if one is free, and whoever needs the result
/// first runs it. When no helper has begun it by the time `value` is read, the caller runs it
/// itself, so nothing ever waits for a thread (a batch already keeps every core busy).
public final class Concurrently<T: Sendable>: @unchecked Sendable {
  private let condition = NSCondition()
  private var work: (@Sendable () -> T)?
  private var result: T?

  public init(_ work: @escaping @Sendable () -> T) {
    self.work = work
    HelperThreads.shared.submit { [self] in
      if let work = claim() { finish(work()) }
    }
  }

  private func claim() -> (@Sendable () -> T)? {
    condition.lock()
    defer { condition.unlock() }
    let w = work
    work = nil
    return w
  }

  private func finish(_ value: T) {
    condition.lock()
    result = value
    condition.broadcast()
    condition.unlock()
  }

  /// The result (read it once): made here if no helper has begun it, else waited for.
  public var value: T {
    if let work = claim() {
      let value = work()
      finish(value)
      return value
    }
    condition.lock()
    defer { condition.unlock() }
    while result == nil { condition.wait() }
    return result!
  }
}

/// One thread per core besides the caller's, started on first use, running submitted work in order.
final class HelperThreads: @unchecked Sendable {
  static let shared = HelperThreads(count: max(1, ProcessInfo.processInfo.activeProcessorCount - 1))

  private let condition = NSCondition()
  private var queue: [@Sendable () -> Void] = []
  private var head = 0

  private init(count: Int) {
    for _ in 0..<count {
      let thread = Thread { [self] in
        while true { next()() }
      }
      thread.name = "baocao.helper"
      thread.start()
    }
  }

  func submit(_ job: @escaping @Sendable () -> Void) {
    condition.lock()
    queue.append(job)
    condition.signal()
    condition.unlock()
  }

  private func next() -> @Sendable () -> Void {
    condition.lock()
    defer { condition.unlock() }
    while head == queue.count { condition.wait() }
    let job = queue[head]
    queue[head] = {}  // the job is freed after it runs, outside the lock
    head += 1
    if head == queue.count {
      queue.removeAll(keepingCapacity: true)
      head = 0
    }
    return job
  }
}

/// A value handed to another thread, which from then on is its only user until it gives it back.
struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

/// Jobs 0..<count done on two cores: a helper takes them from the front and the caller from the back
/// until they meet, so however fast each turns out to be, neither waits long for the other (when no
/// helper begins, the caller does them all). The results come back in job order.
public func shareJobs<R>(count: Int, here: (Int) -> R, there: @escaping @Sendable (Int) -> R) -> [R] {
  let queue = JobQueue(count: count)
  let helping = Concurrently { () -> UncheckedBox<[(Int, R)]> in
    var made: [(Int, R)] = []
    while let k = queue.takeFirst() { made.append((k, there(k))) }
    return UncheckedBox(made)
  }
  var results = [R?](repeating: nil, count: count)
  while let k = queue.takeLast() { results[k] = here(k) }
  for (k, r) in helping.value.value { results[k] = r }
  return results.map { $0! }
}

/// Job indices 0..<count handed out from both ends, each once, to two threads.
final class JobQueue: @unchecked Sendable {
  /// The next index from the front (low half) and one past the next from the back (high half).
  private let ends: Atomic<UInt64>

  init(count: Int) { ends = Atomic(UInt64(count) << 32) }

  func takeFirst() -> Int? {
    var current = ends.load(ordering: .relaxed)
    while true {
      let front = current & 0xFFFF_FFFF, back = current >> 32
      guard front < back else { return nil }
      let (done, now) = ends.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
      if done { return Int(front) }
      current = now
    }
  }

  func takeLast() -> Int? {
    var current = ends.load(ordering: .relaxed)
    while true {
      let front = current & 0xFFFF_FFFF, back = current >> 32
      guard front < back else { return nil }
      let (done, now) = ends.compareExchange(expected: current, desired: current - (1 << 32), ordering: .acquiringAndReleasing)
      if done { return Int(back - 1) }
      current = now
    }
  }
}
