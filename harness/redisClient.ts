// ioredis clients of the tests and the bench on 127.0.0.1: they fail fast and never retry,
// reconnect or queue commands in the background (no offline queue, no retries per request), so a
// caller sees each error where it happens and a poll costs one round trip.
import Redis, { RedisOptions } from "ioredis";

/** INFO text as field -> value, and a master's replica lines: the product's own parsing. */
export { parseInfo, slavesOf } from "../components/redisOps/parse";

/** Options of such a client; `overrides` (timeouts, protocol) win. */
export function clientOptions(port: number, password?: string, overrides: RedisOptions = {}): RedisOptions {
    return {
        host: "127.0.0.1",
        port,
        password,
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        ...overrides,
    };
}

/** A connected client (2 s to connect, 10 s per command, unless overridden). The caller disconnects it. */
export async function connect(port: number, password: string | undefined, overrides: RedisOptions = {}): Promise<Redis> {
    const client = new Redis(clientOptions(port, password, { connectTimeout: 2000, commandTimeout: 10_000, ...overrides }));
    client.on("error", () => undefined); // surfaced through the rejected command instead
    try {
        await client.connect();
    } catch (err) {
        client.disconnect();
        throw err;
    }
    return client;
}

/** Runs fn with a client from connect() and always disconnects it. */
export async function withClient<T>(
    port: number,
    password: string | undefined,
    fn: (c: Redis) => Promise<T>,
    overrides: RedisOptions = {},
): Promise<T> {
    const c = await connect(port, password, overrides);
    try {
        return await fn(c);
    } finally {
        c.disconnect();
    }
}

/**
 * withClient for a node at "host:port" (another host's address, say), failing fast: a fresh
 * connection per call, since Sentinel's reconfigurations kill client connections.
 */
export function withEndpoint<T>(endpoint: string, password: string, fn: (c: Redis) => Promise<T>): Promise<T> {
    const [host, port] = endpoint.split(":");
    return withClient(Number(port), password, fn, { host, connectTimeout: 1000, commandTimeout: 3000 });
}

/** "ok" when a new connection to the port takes the password, else the first word of the refusal (e.g. WRONGPASS). */
export function authWith(port: number, password: string): Promise<string> {
    return outcomeAs(port, { password });
}

/**
 * What one command gets on a new connection as a user (default when unset): "ok", or the first
 * word of the refusal (WRONGPASS at login; NOPERM, READONLY, ... for the command).
 */
export async function outcomeAs(
    port: number,
    login: { username?: string; password: string },
    command: string[] = ["PING"],
): Promise<string> {
    // No ready check: it sends INFO, which the user may be refused.
    const c = new Redis(clientOptions(port, login.password, { connectTimeout: 2000, username: login.username, enableReadyCheck: false }));
    // A refused AUTH comes as an error event; the command then fails with "Connection is closed".
    let refused: Error | undefined;
    c.on("error", (err: Error) => (refused ??= err));
    try {
        await c.connect();
        await c.call(command[0]!, ...command.slice(1));
        return "ok";
    } catch (err) {
        return (refused ?? (err as Error)).message.split(" ")[0]!;
    } finally {
        c.disconnect();
    }
}

/** How many of keys the client's node lacks, asked 1000 at a time. */
export async function countMissing(c: Redis, keys: string[]): Promise<number> {
    let missing = 0;
    for (let i = 0; i < keys.length; i += 1000) {
        missing += (await c.mget(...keys.slice(i, i + 1000))).filter((v) => v === null).length;
    }
    return missing;
}
