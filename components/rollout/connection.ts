// Connections of the rollout's waits: one client per endpoint, closed together. Serialized with
// the providers (see docs/development.md#serialized-providers).
import type { Redis as RedisClient } from "ioredis";
import { ClientLogin, connectFailFast, failFastOptions } from "../redisOps/client";
import { REDIS_DEFAULT_PORT } from "../redisOps/constants";
import { errorMessage } from "../redisOps/messages";
import { parseEndpoint, parseInfo } from "../redisOps/parse";
import type { RolloutNode } from "./types";

/** The clients of one wait, by endpoint, and how they log in. */
export interface Connections extends ClientLogin {
    opTimeout: number;
    clients: Map<string, RedisClient>;
}

/** ip:port of a node, as its peers and the sentinels know it. */
export function addressOf(node: { ip: string; port?: number }): string {
    return `${node.ip}:${node.port ?? REDIS_DEFAULT_PORT}`;
}

export function openConnections(login: ClientLogin, opTimeout: number): Connections {
    const { username, password, tls } = login;
    return {
        username: username ?? undefined,
        password: password ?? undefined,
        tls: tls ?? undefined,
        opTimeout,
        clients: new Map(),
    };
}

export function closeConnections(conns: Connections): void {
    for (const c of conns.clients.values()) c.disconnect();
    conns.clients.clear();
}

/** A ready client for the endpoint, replacing a dead one. Throws the connect error. */
async function clientFor(conns: Connections, endpoint: string): Promise<RedisClient> {
    const known = conns.clients.get(endpoint);
    if (known && known.status === "ready") return known;
    known?.disconnect();
    conns.clients.delete(endpoint);
    const where = parseEndpoint(endpoint);
    if (!where) throw new Error(`bad endpoint ${endpoint}`);
    const client = await connectFailFast(failFastOptions(where.host, where.port, conns, conns.opTimeout, "pulumi-replication-rollout"));
    conns.clients.set(endpoint, client);
    return client;
}

/** Runs a command on the endpoint; an error becomes its message, for the wait's last word. */
export async function call(conns: Connections, endpoint: string, ...args: (string | number)[]): Promise<unknown> {
    const client = await clientFor(conns, endpoint);
    return client.call(String(args[0]), ...args.slice(1).map(String));
}

/** INFO replication and persistence of the endpoint, parsed; or the error's message. */
export async function infoOf(conns: Connections, endpoint: string): Promise<Record<string, string> | string> {
    try {
        return parseInfo(String(await call(conns, endpoint, "INFO", "replication", "persistence")));
    } catch (err) {
        return errorMessage(err);
    }
}

/**
 * Every place a data node may answer during an `up`: as the new inputs place it (once replaced),
 * then as the old ones did (until then). Deduplicated; the order is the order of lookup.
 */
export function placesOf(...lists: (RolloutNode[] | undefined)[]): RolloutNode[] {
    const seen = new Set<string>();
    const places: RolloutNode[] = [];
    for (const node of lists.flatMap((l) => l ?? [])) {
        const key = `${node.name}|${node.endpoint}|${addressOf(node)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        places.push(node);
    }
    return places;
}

/**
 * The place that answers at a peer address, preferring one in `role`: a node known by the same
 * address may be reached at its old or its new endpoint, and only one of them runs.
 */
export async function answeringAt(
    conns: Connections,
    places: RolloutNode[],
    address: string,
    role?: "master" | "slave",
): Promise<{ node: RolloutNode; info: Record<string, string> } | undefined> {
    let fallback: { node: RolloutNode; info: Record<string, string> } | undefined;
    for (const node of places.filter((n) => addressOf(n) === address)) {
        const info = await infoOf(conns, node.endpoint);
        if (typeof info === "string") continue;
        if (role === undefined || info.role === role) return { node, info };
        fallback ??= { node, info };
    }
    return fallback;
}
