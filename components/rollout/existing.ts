// Which of the group's nodes have a container now, read when the program runs (as an invoke
// would; in a preview too). Only a node that exists can be replaced, so only those are chained:
// a first deploy, and new replicas on a scale-up, are created side by side. Runs in the program,
// never in a provider.
import * as pulumi from "@pulumi/pulumi";
import { dockerEngine } from "../dockerEngine";

/** How long one engine may take to list the group's containers. */
const LIST_TIMEOUT_MS = 3000;

/**
 * Which of these container names exist, running or not, on any of these engines (a node that
 * moves between hosts exists wherever it is now); undefined when an engine did not answer, and
 * then every node counts as existing: the chain is the safe side.
 */
export async function askExistingContainers(names: string[], engines: (string | undefined)[]): Promise<ReadonlySet<string> | undefined> {
    try {
        const lists = await Promise.all(
            engines.map((host) => dockerEngine(host, LIST_TIMEOUT_MS).listContainers({ all: true, filters: { name: names } })),
        );
        // Docker's name filter matches a part of the name: keep the exact ones.
        const found = new Set(lists.flat().flatMap((c) => c.Names.map((n) => n.replace(/^\//, ""))));
        return new Set(names.filter((n) => found.has(n)));
    } catch {
        return undefined;
    }
}

/** The keys of the data nodes whose container exists, read once when the program runs (an array: outputs carry no Set). */
export function readExistingNodes(
    nodes: { key: string; container: string }[],
    engines: pulumi.Input<string | undefined>[],
): pulumi.Output<string[] | undefined> {
    return pulumi.all(engines).apply(async (hosts) => {
        const found = await askExistingContainers(
            nodes.map((n) => n.container),
            hosts,
        );
        return found && nodes.filter((n) => found.has(n.container)).map((n) => n.key);
    });
}

/**
 * The rollout chain: the order's nodes that exist, in that order. Each waits for the one before it
 * in the chain; a node that doesn't exist yet waits for none.
 */
export function chainOf(order: string[], existing: string[] | undefined): string[] {
    return existing === undefined ? order : order.filter((key) => existing.includes(key));
}
