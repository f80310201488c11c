/** One request sequence to run: started when a slot is free; `parallel` ones may run alongside others. */
export interface SequenceTask<T> {
  start: () => AsyncGenerator<T>;
  parallel: boolean;
}

/**
 * The run's budget of sequences in flight beyond the one being consumed. Shared by every
 * (nested) merge of a run, so parallel parents and their parallel children together stay within it.
 */
export interface SequenceSlots {
  free: number;
}

export function createSequenceSlots(maxConcurrency: number): SequenceSlots {
  return { free: Math.max(0, maxConcurrency - 1) };
}

interface Running<T> {
  iterator: AsyncGenerator<T>;
  /** Whether it took a slot of the run's budget (the first one runs on the caller's). */
  holdsSlot: boolean;
  next: Promise<{ running: Running<T>; result: IteratorResult<T> }>;
}

/**
 * Yields the items of every task. The tasks that are not `parallel` run one after another, in
 * order, as one sequence; each `parallel` task is a sequence of its own. Sequences run at once
 * while `slots` has room (at least one always runs), each one item ahead of the consumer, so
 * items of one sequence keep their order and nothing is buffered beyond one item per sequence.
 * With no parallel task, this is exactly the tasks' items in order.
 *
 * When a sequence throws, or the consumer stops early, `cancel` is called so the others abort
 * their requests, and every sequence is closed before this generator ends.
 */
export async function* mergeSequences<T>(
  tasks: SequenceTask<T>[],
  slots: SequenceSlots,
  cancel: () => void,
): AsyncGenerator<T> {
  const serial = tasks.filter((task) => !task.parallel);
  const pending: (() => AsyncGenerator<T>)[] = [];
  if (serial.length > 0) {
    pending.push(async function* inOrder() {
      for (const task of serial) yield* task.start();
    });
  }
  for (const task of tasks) if (task.parallel) pending.push(task.start);
  if (pending.length <= 1) {
    const [only] = pending;
    if (only) yield* only();
    return;
  }

  const running = new Set<Running<T>>();
  const pull = (entry: Running<T>) => {
    entry.next = entry.iterator.next().then((result) => ({ running: entry, result }));
    // Raced later; a failure before then must not count as unhandled.
    entry.next.catch(() => undefined);
  };
  const launch = () => {
    while (pending.length > 0 && (running.size === 0 || slots.free > 0)) {
      const start = pending.shift() as () => AsyncGenerator<T>;
      const holdsSlot = running.size > 0;
      if (holdsSlot) slots.free -= 1;
      const entry = { iterator: start(), holdsSlot } as Running<T>;
      pull(entry);
      running.add(entry);
    }
  };
  const finish = (entry: Running<T>) => {
    running.delete(entry);
    if (entry.holdsSlot) slots.free += 1;
  };

  let completed = false;
  try {
    launch();
    while (running.size > 0) {
      const { running: entry, result } = await Promise.race([...running].map((item) => item.next));
      if (result.done) {
        finish(entry);
        launch();
        continue;
      }
      pull(entry);
      yield result.value;
    }
    completed = true;
  } finally {
    if (!completed) {
      cancel();
      const open = [...running];
      for (const entry of open) finish(entry);
      await Promise.allSettled(open.map((entry) => entry.iterator.return(undefined)));
    }
  }
}
