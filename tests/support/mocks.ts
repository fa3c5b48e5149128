// What tests see of Pulumi's mock monitor: its sentinel values, how it hands secrets to
// newResource, and Outputs as promises. Shared by the unit tier and the live backend.
import * as pulumi from "@pulumi/pulumi";

/** The engine's "not known yet" value during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** How the mock monitor hands a secret input to newResource: wrapped, not as plain text. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Type tokens of dynamic resources start with this. */
export const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic";
/** The type token of the component's replication check. */
export const CHECK_TYPE = "pulumi-nodejs:dynamic/redis:ReplicationCheck";

/** Whether v is a secret as newResource receives it. */
export const isSecretValue = (v: unknown): boolean => typeof v === "object" && v !== null && Object.values(v).includes(SECRET_SIG);

/** The value inside a secret, or the value itself. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const reveal = (v: any): any => (isSecretValue(v) ? v.value : v);

/** Inputs with every secret, at any depth, replaced by its value. */
export function unwrapSecrets(v: unknown): unknown {
    if (pulumi.runtime.isRpcSecret(v)) return unwrapSecrets(pulumi.runtime.unwrapRpcSecret(v));
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v !== null && typeof v === "object") {
        return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

/** An Output's value as a promise; rejects when the resource behind it failed (instead of hanging). */
export function promiseOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        pulumi
            .recover(o, (err) => {
                reject(err);
                return undefined as unknown as T;
            })
            .apply((v) => {
                resolve(v);
                return v;
            });
    });
}
