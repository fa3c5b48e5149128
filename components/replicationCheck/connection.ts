// Connecting to a node and saying what went wrong when that fails. Serialized with the provider
// (see the rules at the top of provider.ts).
import type { Redis as RedisClient, RedisOptions } from "ioredis";
import type { TlsClient } from "../tls";
import type { CheckContext, NodeState } from "./context";
import { errorMessage, formatDuration, nodeError } from "./messages";
import type { Fact } from "./types";

/** How the check's connections show in CLIENT LIST. */
const CLIENT_NAME = "pulumi-replication-check";

/** Turns a connection or command error into a fact that says what to look at. */
export function describeError(ctx: CheckContext, node: NodeState, err: unknown): Fact {
    const msg = errorMessage(err);
    const code = (err as { code?: string } | undefined)?.code;
    if (/^(WRONGPASS|NOAUTH)\b/.test(msg) || /invalid password/i.test(msg)) {
        return {
            what: `password mismatch (${msg})`,
            hint:
                ctx.password === undefined
                    ? "the node requires a password but the check was given none"
                    : `the node does not take the check's password for user ${ctx.username ?? "default"}`,
            fatal: true,
        };
    }
    if (code === "ECONNREFUSED" || /ECONNREFUSED/.test(msg)) {
        return { what: "connection refused", hint: "is the container running and its port published?" };
    }
    if (code === "ETIMEDOUT" || /ETIMEDOUT/.test(msg)) {
        return {
            what: `no answer within ${formatDuration(ctx.opTimeout)} (connect timeout)`,
            hint: "is the container running and its port published to this host?",
        };
    }
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
        return { what: `cannot resolve host ${node.host}`, hint: "check the endpoint" };
    }
    if (/^LOADING\b/.test(msg)) {
        return { what: "still loading its dataset (LOADING)" };
    }
    if (/Command timed out/i.test(msg)) {
        return { what: `no reply within ${formatDuration(ctx.opTimeout)}`, hint: "is the node stuck or overloaded?" };
    }
    if (/Connection is closed|ECONNRESET|EPIPE|Stream isn't writeable/.test(msg)) {
        return { what: `connection closed (${msg})`, hint: "is the container restarting?" };
    }
    return { what: msg };
}

/** How a client of the group's own logs in: a user (default when unset), its password, and TLS when the group has it. */
export interface ClientLogin {
    username?: string;
    password?: string;
    tls?: TlsClient;
}

/**
 * Options of a client that fails fast: it never queues, retries or reconnects on its own, so each
 * poll is one round trip and each error is seen where it happens. The rollout's and the live
 * configuration's clients use them too.
 */
export function failFastOptions(host: string, port: number, login: ClientLogin, opTimeout: number, connectionName: string): RedisOptions {
    const { username, password, tls } = login;
    return {
        host,
        port,
        username,
        password,
        // The nodes' own certificate: it is what they present to each other, and the CA signed it.
        tls: tls ? { ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName } : undefined,
        connectionName,
        lazyConnect: true,
        enableOfflineQueue: false,
        enableReadyCheck: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        autoResendUnfulfilledCommands: false,
        connectTimeout: opTimeout,
        commandTimeout: opTimeout,
        protocol: 2,
        disableClientInfo: true,
    };
}

/** Makes sure node.client is connected, replacing a dead client. Throws the real cause on failure. */
export async function ensureConnected(ctx: CheckContext, node: NodeState): Promise<RedisClient> {
    if (node.client && node.client.status === "ready") {
        return node.client;
    }
    node.client?.disconnect();
    const client = new ctx.Redis(failFastOptions(node.host, node.port, ctx, ctx.opTimeout, CLIENT_NAME));
    ctx.clients.push(client);
    node.client = client;
    node.lastError = undefined;
    client.on("error", (err: Error) => {
        node.lastError = err;
    });
    try {
        await client.connect();
    } catch (err) {
        // connect() rejects with "Connection is closed."; the cause came as an "error" event.
        throw node.lastError ?? err;
    }
    return client;
}

/** Runs f on the node's connection; any failure becomes the check's error for that node (what to look at). */
export async function withNode<T>(ctx: CheckContext, node: NodeState, f: (client: RedisClient) => Promise<T>): Promise<T> {
    try {
        return await f(await ensureConnected(ctx, node));
    } catch (err) {
        throw nodeError(node, describeError(ctx, node, err));
    }
}
