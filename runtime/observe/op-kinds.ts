// The operations an observed run records, one code each: what the recorder stores per event and
// per source site, and the names, categories and flags the trace and the profile show. Pure data.

export interface OpKind {
  /** As spans and the profile name it. */
  readonly name: string;
  /** "wait": synchronisation (its time is waiting); "communicate": remote memory. */
  readonly category: "wait" | "communicate";
  /** Every image runs it in the same order (a collective synchronisation: kept per instance). */
  readonly collective: boolean;
  /** It completes this image's outstanding puts. */
  readonly completesPuts: boolean;
}

const comm = (name: string, completesPuts = false): OpKind => ({ name, category: "communicate", collective: false, completesPuts });
const wait = (name: string, collective: boolean, completesPuts = true): OpKind => ({ name, category: "wait", collective, completesPuts });

/** Indexed by the codes of K. */
export const OP_KINDS: readonly OpKind[] = [
  comm("get"),
  comm("put"),
  comm("get section"),
  comm("put section"),
  comm("atomic"),
  comm("event post", true),
  wait("sync all", true),
  wait("sync images", false),
  wait("sync memory", false),
  wait("critical", false),
  wait("lock", false),
  wait("unlock", false),
  wait("event wait", false),
  wait("co_sum", true),
  wait("co_min", true),
  wait("co_max", true),
  wait("co_reduce", true),
  wait("co_broadcast", true),
  wait("allocation", true),
  wait("checkpoint", true),
  comm("notify"),
  // teams (§7.1): form team is collective over the current team (every image, in the initial one)
  wait("form team", true),
  wait("change team", false),
  wait("end team", false),
];

/** The codes of OP_KINDS. */
export const K = {
  GET: 0,
  PUT: 1,
  GET_SECTION: 2,
  PUT_SECTION: 3,
  ATOMIC: 4,
  EVENT_POST: 5,
  SYNC_ALL: 6,
  SYNC_IMAGES: 7,
  SYNC_MEMORY: 8,
  CRITICAL: 9,
  LOCK: 10,
  UNLOCK: 11,
  EVENT_WAIT: 12,
  CO_SUM: 13,
  CO_MIN: 14,
  CO_MAX: 15,
  CO_REDUCE: 16,
  CO_BROADCAST: 17,
  ALLOCATION: 18,
  CHECKPOINT: 19,
  NOTIFY: 20,
  FORM_TEAM: 21,
  CHANGE_TEAM: 22,
  END_TEAM: 23,
} as const;

export const KIND_COUNT = OP_KINDS.length;

/** The code of co_sum / co_min / co_max by the ABI's ReduceOp. */
export const REDUCE_KIND: Readonly<Record<string, number>> = { sum: K.CO_SUM, min: K.CO_MIN, max: K.CO_MAX };
