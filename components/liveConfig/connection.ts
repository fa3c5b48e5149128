// Connections of the live configuration: each node authenticated with the first login it accepts
// (the admin user, or, on a node from before the group had one, the default user with the old
// or the new password). Serialized with the providers (see
// docs/development.md#serialized-providers).
import type { Redis as RedisClient } from "ioredis";
import type { TlsClient } from "../tls";
import { connectFailFast, failFastOptions } from "../redisOps/client";
import { errorMessage } from "../redisOps/messages";
import { parseEndpoint, parseInfo } from "../redisOps/parse";
import type { LiveTarget, Login } from "./types";

/** A node or sentinel with its connection. */
export interface LiveClient extends LiveTarget {
    client: RedisClient;
}

/** An error's message without the passwords in it: Redis echoes ACL SETUSER's rules. */
export function redacted(err: unknown, passwords: (string | undefined)[]): string {
    let msg = errorMessage(err);
    for (const pw of passwords) if (pw) msg = msg.split(pw).join("<password>");
    return msg;
}

/** The passwords of the logins, to keep out of error messages. */
export function passwordsOf(logins: Login[]): (string | undefined)[] {
    return logins.map((l) => l.password);
}

/** Connects to the target with the first of `logins` it accepts. Throws, naming the target. */
export async function connectAny(target: LiveTarget, logins: Login[], opTimeout: number, tls?: TlsClient): Promise<LiveClient> {
    const where = parseEndpoint(target.endpoint);
    if (!where) throw new Error(`${target.name}: bad endpoint ${target.endpoint}`);
    // Each login once, in order.
    const tries = [...new Map((logins.length === 0 ? [{}] : logins).map((l): [string, Login] => [JSON.stringify(l), l])).values()];
    let last = "";
    for (const login of tries) {
        const options = failFastOptions(where.host, where.port, { ...login, tls }, opTimeout, "pulumi-replication-config");
        try {
            return { ...target, client: await connectFailFast(options) };
        } catch (err) {
            last = redacted(err, passwordsOf(tries));
            if (!/WRONGPASS|NOAUTH|invalid password/i.test(last)) break;
        }
    }
    throw new Error(`${target.name} (${target.endpoint}): ${last}`);
}

/** Connects to every target, or to none: on a failure the others are closed again. */
export async function connectAll(targets: LiveTarget[], logins: Login[], opTimeout: number, tls?: TlsClient): Promise<LiveClient[]> {
    const settled = await Promise.allSettled(targets.map((t) => connectAny(t, logins, opTimeout, tls)));
    const clients = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = settled.flatMap((s) => (s.status === "rejected" ? [errorMessage(s.reason)] : []));
    if (failed.length > 0) {
        closeAll(clients);
        throw new Error(`cannot reach ${failed.join("; ")}`);
    }
    return clients;
}

export function closeAll(clients: LiveClient[]): void {
    for (const c of clients) c.client.disconnect();
}

/** Runs a command; an error says where and what, without the passwords. */
export async function run(node: LiveClient, passwords: (string | undefined)[], ...args: string[]): Promise<unknown> {
    try {
        return await node.client.call(args[0]!, ...args.slice(1));
    } catch (err) {
        const shown = args.slice(0, 3).join(" ");
        throw new Error(`${node.name}: ${shown}: ${redacted(err, passwords)}`);
    }
}

/** The data nodes, replicas first and the master (whichever node says so now) last. */
export async function replicasFirst(nodes: LiveClient[]): Promise<LiveClient[]> {
    const roles = await Promise.all(nodes.map(async (n) => parseInfo(String(await n.client.call("INFO", "replication"))).role));
    return [...nodes.filter((_, i) => roles[i] !== "master"), ...nodes.filter((_, i) => roles[i] === "master")];
}
