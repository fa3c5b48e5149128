// The recovery scenarios' day 2: one group per scenario (subnet 10.90.<n>.0/24, ports from
// 8300 + 10 n), its args as they change, a writer under every `up`, and what holds after each:
// the check passed, every acknowledged write on every data node, the sentinels reporting the
// master where it runs; a table row per `up` for the closing note.
import { strict as assert } from "assert";
import { isDeepStrictEqual } from "util";
import type { RedisReplicationGroupArgs } from "../../components";
import { roleEvents } from "../../harness/docker";
import type { UpResult } from "../../harness/groupStack";
import { pollUntil } from "../../harness/poll";
import { promiseOf } from "../../harness/pulumi";
import { withClient } from "../../harness/redisClient";
import { AckedWriter } from "../../harness/writer";
import { isContainer, missing, opsOf, PASSWORD, scenario, ScenarioFamily } from "./updateScenario";

export const REC: ScenarioFamily = { prefix: "rec", portBase: 8300, subnetOctet: 90 };
export const OTHER_BASE = "redis-replication-test/base:recovery-b";
export const NEW_PASSWORD = "recovery-Rotated-Passw0rd";

/** host:port → port (the outputs' endpoints are on 127.0.0.1). */
export function portOf(endpoint: string): number {
    return Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
}

/** The config epoch a sentinel reports for the master: one more for each failover. */
export async function configEpoch(port: number, password: string, masterName: string): Promise<number> {
    return withClient(port, password, async (c) => {
        const fields = (await c.call("SENTINEL", "MASTER", masterName)) as string[];
        return Number(fields[fields.indexOf("config-epoch") + 1]);
    });
}

/** What each sentinel reports as the master's address. */
export async function sentinelMasters(ports: number[], password: string, masterName: string): Promise<string[]> {
    return Promise.all(
        ports.map((p) =>
            withClient(p, password, async (c) => {
                const addr = (await c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName)) as string[];
                return `${addr[0]}:${addr[1]}`;
            }),
        ),
    );
}

/** One group's day 2: its args as they change, the writer's keys so far, and the table of what each `up` did. */
export function dayTwo(n: number, withSentinels: boolean) {
    const s = scenario(n, REC);
    const subnet = `10.${REC.subnetOctet}.${n}.`;
    const port = s.masterPort;
    const state = {
        password: PASSWORD,
        acked: [] as string[],
        last: undefined as UpResult | undefined,
        spec: {
            master: { ip: `${subnet}2`, hostPort: port },
            replicas: [
                { ip: `${subnet}3`, hostPort: port + 1 },
                { ip: `${subnet}4`, hostPort: port + 2 },
            ],
            ...(withSentinels
                ? {
                      sentinel: {
                          nodes: [0, 1, 2].map((i) => ({ ip: `${subnet}${250 - i}`, hostPort: port + 20_000 + i })),
                      },
                  }
                : {}),
        } as Partial<RedisReplicationGroupArgs>,
    };
    const table: string[] = [];
    const args = (): RedisReplicationGroupArgs => s.args({ ...state.spec, replicaCount: undefined, password: state.password });
    /** The address (ip:6379) of each data node's container, by name. */
    const addressOf = (name: string): string => {
        const key = name.slice(`rr-rec-${n}-`.length);
        const node = key === "master" ? state.spec.master : state.spec.replicas![Number(key.split("-")[1]) - 1];
        return `${node!.ip}:6379`;
    };
    const masterName = `rr-rec-${n}`;

    /** One `up` with the spec changed by `change`, under a writer; asserts what holds after every day-2 `up`. */
    async function upUnderWriter(label: string, change: (spec: Partial<RedisReplicationGroupArgs>) => void): Promise<UpResult> {
        const writerPassword = state.password;
        change(state.spec);
        const group = state.last!.group;
        const recipe = await promiseOf(group.sentinelClient);
        const sentinelPorts = (await promiseOf(group.sentinelEndpoints)).map(portOf);
        const epochBefore = recipe ? await configEpoch(sentinelPorts[0]!, writerPassword, masterName) : 0;
        const writer = recipe
            ? await AckedWriter.start(recipe, writerPassword)
            : await AckedWriter.direct(portOf(await promiseOf(group.masterEndpoint)), writerPassword);
        let result: UpResult;
        try {
            await writer.until("the writer's first acknowledged write", 10_000, () => writer.acked.length > 0);
            result = await s.up(args()).catch(async (err: Error) => {
                // What the nodes and sentinels did, for a failure seen only in CI.
                err.message += `\n${await roleEvents(`rr-rec-${n}-`).catch((e: Error) => e.message)}`;
                throw err;
            });
        } finally {
            // Also when the writer never got going: a writer left running keeps the test process alive.
            await writer.stop();
        }
        state.acked.push(...writer.acked);
        state.last = result;
        const ports = [await promiseOf(result.group.masterEndpoint), ...(await promiseOf(result.group.replicaEndpoints))].map(portOf);
        const lacking = await missing(ports, state.acked, state.password);
        const none = Object.fromEntries(ports.map((p) => [p, 0]));
        if (!isDeepStrictEqual(lacking, none)) {
            // What the writer reached and what the nodes and sentinels did, for a failure seen only in CI.
            const events = await roleEvents(`rr-rec-${n}-`);
            assert.deepStrictEqual(
                lacking,
                none,
                `${label}: every acknowledged write on every data node; the writer wrote to ${writer.targets.join(", ")}\n${events}`,
            );
        }
        let failovers = 0;
        if (recipe) {
            const now = (await promiseOf(result.group.sentinelEndpoints)).map(portOf);
            const expected = addressOf(result.replication.master);
            await pollUntil(`${label}: every sentinel reports the master at ${expected}`, 10_000, async () =>
                (await sentinelMasters(now, state.password, masterName)).every((a) => a === expected),
            );
            failovers = (await configEpoch(now[0]!, state.password, masterName)) - epochBefore;
        }
        const replaced = opsOf(result.steps, (x) => isContainer(x) && x.op !== "same").join(", ") || "none";
        table.push(
            `| ${label} | ${result.ms} | ${replaced} | ${writer.acked.length} | ${writer.failed} | ${writer.writeErrorMs} | ${failovers} | passed |`,
        );
        return result;
    }

    return { s, state, args, table, upUnderWriter, masterName, addressOf };
}
