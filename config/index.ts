// A replication group's settings: their types, their validation and their defaults.
// Pure: no resources, no stack config (that is config/stack.ts).
export * from "./types";
export { DEFAULT_BASE_IMAGE, DEFAULT_MASTER_HOST_PORT, DEFAULT_REPLICA_COUNT, DEFAULT_SENTINEL_COUNT, DEFAULT_SUBNET } from "./defaults";
export { GroupConfigError } from "./errors";
export type { ConfigProblem } from "./errors";
export { cpusReadBack } from "./dockerForms";
export { DEFAULT_DISABLED_COMMANDS, RESERVED_USERS } from "./acl";
export type { UserPlan } from "./acl";
export { tlsProblems } from "./tls";
export type { TlsPlan, TlsProblem } from "./tls";
export { assertPassword, passwordProblems } from "./password";
export { directiveText, OWNED_DIRECTIVES } from "./redisConfig";
export { isLiveDirective, settingsOf, splitSettings } from "./liveSettings";
export { LIVE_DIRECTIVES, RESTART_DIRECTIVES } from "./redisDirectives";
export type { SplitSettings } from "./liveSettings";
export { parseGroupConfig } from "./plan";
export { hostProviderProblems } from "./hosts";
export { isDurable, restartIsGuarded, restartPolicyOf } from "./restart";
