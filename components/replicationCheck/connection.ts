// The check's connection to a node, and what it says when that fails. Serialized with the
// provider (see docs/development.md#serialized-providers).
import type { Redis as RedisClient } from "ioredis";
import { connectFailFast, failFastOptions } from "../redisOps/client";
import { errorMessage, formatDuration } from "../redisOps/messages";
import type { CheckContext, NodeState } from "./context";
import { nodeError } from "./messages";
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

/** Makes sure node.client is connected, replacing a dead client. Throws the real cause on failure. */
export async function ensureConnected(ctx: CheckContext, node: NodeState): Promise<RedisClient> {
    if (node.client && node.client.status === "ready") {
        return node.client;
    }
    node.client?.disconnect();
    node.client = undefined;
    const client = await connectFailFast(failFastOptions(node.host, node.port, ctx, ctx.opTimeout, CLIENT_NAME));
    ctx.clients.push(client);
    node.client = client;
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
