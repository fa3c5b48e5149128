// A master, two replicas and three sentinels on 127.0.0.1, from a RedisFleet: the Sentinel
// fixture of the redis tier, with the replication check's inputs for it.
import { GroupCredentials, SENTINEL_USER } from "../../components/acl";
import type { ReplicationCheckInputs } from "../../components/replicationCheck";
import { pollUntil } from "../../harness/poll";
import { RedisFleet, RedisNode, waitLinked } from "./redisProcesses";

export const HOST = "127.0.0.1";
export const PASSWORD = "sentinel-Pa55word";
export const MONITORED = "sentinel-test";

export interface SentinelGroup {
    master: RedisNode;
    replicas: RedisNode[];
    sentinels: RedisNode[];
    inputs: ReplicationCheckInputs;
}

/**
 * A master, two replicas (linked) and three sentinels with quorum 2; plus the check's inputs.
 * With `creds`, the group's own ACL users as the component renders them: replicas log in as the
 * replication user, sentinels to the nodes as the sentinel user.
 */
export async function startSentinelGroup(fleet: RedisFleet, creds?: GroupCredentials): Promise<SentinelGroup> {
    const master = await fleet.start({ name: "sent-master", password: PASSWORD, creds });
    const replicas = await Promise.all(
        [1, 2].map((i) => fleet.start({ name: `sent-replica-${i}`, password: PASSWORD, creds, replicaOf: master.port })),
    );
    const nodeLogin = creds
        ? [`sentinel auth-user ${MONITORED} ${SENTINEL_USER}`, `sentinel auth-pass ${MONITORED} ${creds.sentinel}`]
        : [`sentinel auth-pass ${MONITORED} ${PASSWORD}`];
    await waitLinked(master, 2);
    const sentinels = await Promise.all(
        [1, 2, 3].map((i) =>
            fleet.start({
                name: `sent-sentinel-${i}`,
                password: PASSWORD,
                creds,
                sentinel: [
                    "sentinel resolve-hostnames no",
                    `sentinel monitor ${MONITORED} ${HOST} ${master.port} 2`,
                    ...nodeLogin,
                    `sentinel down-after-milliseconds ${MONITORED} 1000`,
                    `sentinel failover-timeout ${MONITORED} 10000`,
                    `sentinel parallel-syncs ${MONITORED} 1`,
                ],
            }),
        ),
    );
    const target = (p: RedisNode) => ({ name: p.name, endpoint: p.endpoint, ip: HOST, port: p.port });
    const inputs: ReplicationCheckInputs = {
        masterContainer: master.name,
        masterEndpoint: master.endpoint,
        masterIp: HOST,
        masterPort: master.port,
        replicas: replicas.map(target),
        expectedReplicas: 2,
        sentinel: { masterName: MONITORED, quorum: 2, sentinels: sentinels.map(target) },
        password: PASSWORD,
        timeoutMs: 30_000,
        containerIds: ["c-master", "c-replica-1", "c-replica-2", "c-sentinel-1", "c-sentinel-2", "c-sentinel-3"],
    };
    return { master, replicas, sentinels, inputs };
}

/** The master address a sentinel reports. */
export async function reportedMaster(s: RedisNode): Promise<string> {
    const c = s.client();
    try {
        await c.connect();
        const addr = (await c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MONITORED)) as string[];
        return `${addr[0]}:${addr[1]}`;
    } finally {
        c.disconnect();
    }
}

/**
 * Asks a sentinel's CKQUORUM (as `ask` does) until it counts all `count` sentinels usable, and
 * returns the reply. After a change that re-made the sentinels' links, each has its quorum at
 * once but finds every other again only within a few hello periods (2 s each).
 */
export function untilEverySentinelUsable(what: string, count: number, ask: () => Promise<string>): Promise<string> {
    return pollUntil(`${what} to count ${count} usable sentinels`, 20_000, async () => {
        const reply = await ask();
        return new RegExp(`^OK ${count} usable Sentinels`).test(reply) ? reply : false;
    });
}
