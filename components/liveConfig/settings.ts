// Live settings on running nodes: CONFIG SET node by node, each change persisted with CONFIG
// REWRITE, and on a refusal every node already changed put back. Serialized with the providers
// (see docs/development.md#serialized-providers).
import { errorMessage } from "../redisOps/messages";
import type { LiveClient } from "./connection";

/** The settings of `next` that differ from `prev`. A removed one is not here: it goes with a restart. */
export function changedSettings(prev: Record<string, string>, next: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [directive, value] of Object.entries(next)) if (prev[directive] !== value) out[directive] = value;
    return out;
}

function listed(settings: Record<string, string>): string {
    return Object.entries(settings)
        .map(([d, v]) => `${d} ${JSON.stringify(v)}`)
        .join(", ");
}

/** CONFIG SET of all of them at once (Redis applies all or none), then CONFIG REWRITE. Says which step failed. */
async function setAndPersist(node: LiveClient, settings: Record<string, string>): Promise<void> {
    try {
        await node.client.call("CONFIG", "SET", ...Object.entries(settings).flat());
    } catch (err) {
        throw Object.assign(new Error(errorMessage(err)), { step: "set" });
    }
    try {
        await node.client.call("CONFIG", "REWRITE");
    } catch (err) {
        throw Object.assign(new Error(`CONFIG REWRITE: ${errorMessage(err)}`), { step: "rewrite" });
    }
}

/** What each of the directives is now on the node. */
async function valuesOf(node: LiveClient, directives: string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const d of directives) {
        const reply = (await node.client.call("CONFIG", "GET", d)) as string[];
        const i = reply.findIndex((x, j) => j % 2 === 0 && x.toLowerCase() === d);
        if (i >= 0) out[d] = reply[i + 1]!;
    }
    return out;
}

/**
 * Applies the settings to each node in order. When a node refuses, the nodes already changed are
 * put back and the error names the node and gives Redis's words.
 */
export async function applySettings(nodes: LiveClient[], settings: Record<string, string>): Promise<void> {
    const directives = Object.keys(settings);
    if (directives.length === 0) return;
    const done: { node: LiveClient; before: Record<string, string> }[] = [];
    for (const node of nodes) {
        const before = await valuesOf(node, directives);
        try {
            await setAndPersist(node, settings);
        } catch (err) {
            // A refused CONFIG SET changed nothing on the node; a failed rewrite left it changed.
            const changed = (err as { step?: string }).step === "rewrite" ? [...done, { node, before }] : done;
            const restored = await putBack(changed.reverse());
            throw new Error(`${node.name} refused CONFIG SET ${listed(settings)}: ${errorMessage(err)}. ${restored}`);
        }
        done.push({ node, before });
    }
}

/** Restores each node's earlier values; says which nodes are back and which could not be put back. */
async function putBack(changed: { node: LiveClient; before: Record<string, string> }[]): Promise<string> {
    const back: string[] = [];
    const stuck: string[] = [];
    for (const { node, before } of changed) {
        try {
            if (Object.keys(before).length > 0) await setAndPersist(node, before);
            back.push(node.name);
        } catch (err) {
            stuck.push(`${node.name} (${errorMessage(err)})`);
        }
    }
    if (stuck.length > 0) return `Could not put back ${stuck.join(", ")}; the others keep their earlier values.`;
    return back.length === 0 ? "No node was changed." : `Put back ${back.join(", ")}: every node keeps its earlier values.`;
}
