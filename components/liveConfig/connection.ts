// Connections of the live configuration: each node authenticated with the first password it
// accepts (during a rotation, a node may take the old, the new, or both). Serialized with the
// providers (see the rules at the top of ../replicationCheck/provider.ts).
import type { Redis as RedisClient } from "ioredis";
import { failFastOptions } from "../replicationCheck/connection";
import { errorMessage } from "../replicationCheck/messages";
import { parseEndpoint, parseInfo } from "../replicationCheck/parse";
import type { LiveTarget } from "./types";

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

/** Connects to the target with the first of `passwords` it accepts. Throws, naming the target. */
export async function connectAny(target: LiveTarget, passwords: (string | undefined)[], opTimeout: number): Promise<LiveClient> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Redis } = require("ioredis") as typeof import("ioredis");
    const where = parseEndpoint(target.endpoint);
    if (!where) throw new Error(`${target.name}: bad endpoint ${target.endpoint}`);
    const tries = passwords.length === 0 ? [undefined] : [...new Set(passwords)];
    let last = "";
    for (const password of tries) {
        const client = new Redis(failFastOptions(where.host, where.port, password, opTimeout, "pulumi-replication-config"));
        // A refused AUTH closes the connection: the command then fails with "Connection is closed",
        // and the refusal itself comes as an error event.
        let refused: Error | undefined;
        client.on("error", (err: Error) => (refused ??= err));
        try {
            await client.connect();
            await client.ping();
            return { ...target, client };
        } catch (err) {
            client.disconnect();
            last = redacted(refused ?? err, tries);
            if (!/WRONGPASS|NOAUTH|invalid password/i.test(last)) break;
        }
    }
    throw new Error(`${target.name} (${target.endpoint}): ${last}`);
}

/** Connects to every target, or to none: on a failure the others are closed again. */
export async function connectAll(targets: LiveTarget[], passwords: (string | undefined)[], opTimeout: number): Promise<LiveClient[]> {
    const settled = await Promise.allSettled(targets.map((t) => connectAny(t, passwords, opTimeout)));
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
