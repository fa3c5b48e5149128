// How the check words what it saw: "<role> <name> (<endpoint>): <fact> after 60s: <hint>".
// Serialized with the provider (see docs/development.md#serialized-providers).
import { formatDuration } from "../redisOps/messages";
import type { NodeFacts, NodeState } from "./context";
import type { Fact } from "./types";

export function nodeLabel(node: NodeState): string {
    return `${node.role} ${node.name} (${node.endpoint})`;
}

/** One line per failing node: "<role> <name> (<endpoint>): <fact> after 60s; <fact>: <hint>". */
export function renderFailures(failing: NodeFacts[], timeoutMs: number | undefined): string {
    return failing
        .map(({ node, facts }) => {
            const parts = facts.map((f, i) => {
                const after = i === 0 && timeoutMs !== undefined ? ` after ${formatDuration(timeoutMs)}` : "";
                return `${f.what}${after}${f.hint ? `: ${f.hint}` : ""}`;
            });
            return `${nodeLabel(node)}: ${parts.join("; ")}`;
        })
        .join("\n");
}

/** The error for one node and one fact, as the check throws it. */
export function nodeError(node: NodeState, fact: Fact): Error {
    return new Error(renderFailures([{ node, facts: [fact] }], undefined));
}
