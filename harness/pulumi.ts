// What the live backend and its callers need of Pulumi's mock monitor: inputs with their secrets
// unwrapped, as newResource receives them, and Outputs as promises.
import * as pulumi from "@pulumi/pulumi";

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
