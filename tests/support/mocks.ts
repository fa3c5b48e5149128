// What unit tests see of Pulumi's mock monitor: its sentinel values and how it hands secrets to
// newResource. Outputs as promises and unwrapped inputs are in harness/pulumi.ts.
import { DYNAMIC_PREFIX } from "../../harness/docker";

/** The engine's "not known yet" value during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** How the mock monitor hands a secret input to newResource: wrapped, not as plain text. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The type token of the component's replication check. */
export const CHECK_TYPE = `${DYNAMIC_PREFIX}/redis:ReplicationCheck`;

/** Whether v is a secret as newResource receives it. */
export const isSecretValue = (v: unknown): boolean => typeof v === "object" && v !== null && Object.values(v).includes(SECRET_SIG);

/** The value inside a secret, or the value itself. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const reveal = (v: any): any => (isSecretValue(v) ? v.value : v);

/** A mock's state for a resource: its inputs, plus what the live configuration's providers add on create. */
export function stateOf(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
    if (type === `${DYNAMIC_PREFIX}/redis:NodeBoot`) return { ...inputs, boot: inputs.current };
    if (type === `${DYNAMIC_PREFIX}/redis:LiveConfig`) return { ...inputs, generation: 1, changed: [], admittedPassword: false };
    return { ...inputs };
}
