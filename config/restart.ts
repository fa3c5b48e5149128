// The Docker restart policy of each node. Redis's replication docs: a master without persistence
// (no AOF, no RDB) that restarts on its own comes back empty, and its replicas, exact copies,
// then resync from it and empty themselves; with Sentinel, a master restarting fast enough is not
// even noticed as failed. So such a master gets no automatic restart, and with sentinels no data
// node does (any may be master), unless the user accepts that risk by name.
import { GroupPlan, NodePlan, PersistencePlan } from "./types";

/** True when a restarted node comes back with its data: AOF on, or RDB snapshots (Redis's own rules when save is left out). */
export function isDurable(persistence: PersistencePlan): boolean {
    return persistence.appendonly || persistence.save === undefined || persistence.save.length > 0;
}

/** True when the node's restart policy is "no" whatever `restart` says, to keep an empty master from wiping its replicas. */
export function restartIsGuarded(plan: GroupPlan, node: NodePlan): boolean {
    if (isDurable(plan.persistence) || plan.persistence.acceptRestartWipingReplicas || node.role === "sentinel") return false;
    return plan.sentinel !== undefined || node.role === "master";
}

/** The Docker restart policy the node's container gets. */
export function restartPolicyOf(plan: GroupPlan, node: NodePlan): string {
    return restartIsGuarded(plan, node) ? "no" : plan.restart;
}

/** The warning for a group without persistence: what it risks, and how the group guards against it. */
export function persistenceWarning(plan: GroupPlan): string | undefined {
    if (isDurable(plan.persistence)) return undefined;
    const mechanism =
        "a master that restarts without AOF or RDB comes back empty, and its replicas then resync from it and empty themselves";
    if (plan.persistence.acceptRestartWipingReplicas) {
        return `persistence is off and persistence.acceptRestartWipingReplicas is set: ${mechanism}`;
    }
    const [who, after] = plan.sentinel
        ? [
              "every data node (with sentinels any of them may be master)",
              "the sentinels fail over, and the crashed node is started again by hand",
          ]
        : ["the master", "start it again by hand once you know it is safe"];
    return `persistence is off: ${who} gets restart "no", because ${mechanism}; after a crash, ${after}`;
}
