// Restore: a new group's master seeded from an RDB file, checked before anything exists.
export { createRestoreSeed, dataLayout, restoreSeeder } from "./create";
export type { RestoreContext } from "./create";
export { checkedRestoreFile } from "./source";
export { RestoreSeed } from "./resource";
export type { RestoredKeys } from "./types";
