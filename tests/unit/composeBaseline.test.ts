// The bench's docker-compose baseline runs what our tuned deploy runs: the same image, the same
// redis.conf settings as flags, static IPs, published ports and a named volume per node, labelled.
import * as assert from "assert";
import { splitSettings } from "../../config";
import { COMPOSE_LABEL, composePlan, renderComposeFile } from "../../bench/compose";
import { TEST_LABEL } from "../../harness/docker";

describe("the bench's compose baseline", () => {
    const plan = composePlan(2);
    const file = JSON.parse(renderComposeFile(plan, "redis-replication/rrbench:latest", "pw")) as {
        services: Record<
            string,
            {
                image: string;
                command: string[];
                networks: { net: { ipv4_address: string } };
                ports: string[];
                volumes: string[];
                labels: Record<string, string>;
            }
        >;
        networks: { net: { ipam: { config: { subnet: string }[] }; labels: Record<string, string> } };
        volumes: Record<string, { labels: Record<string, string> }>;
    };

    it("declares the master and its replicas with our addresses, ports and volumes", () => {
        assert.deepStrictEqual(Object.keys(file.services), ["master", "replica-1", "replica-2"]);
        for (const node of [plan.master, ...plan.replicas]) {
            const s = file.services[node.key]!;
            assert.strictEqual(s.image, "redis-replication/rrbench:latest");
            assert.strictEqual(s.networks.net.ipv4_address, node.ip);
            assert.deepStrictEqual(s.ports, [`127.0.0.1:${node.hostPort}:6379`]);
            assert.deepStrictEqual(s.volumes, [`${node.key}-data:/data`]);
        }
        assert.strictEqual(file.networks.net.ipam.config[0]!.subnet, plan.network.subnet);
    });

    it("passes every setting our redis.conf has as a flag, and only replicas follow the master", () => {
        const settings = { ...splitSettings(plan).restart, ...splitSettings(plan).live };
        for (const [key, s] of Object.entries(file.services)) {
            for (const [directive, value] of Object.entries(settings)) {
                const at = s.command.indexOf(`--${directive}`);
                assert.ok(at > 0 && s.command[at + 1] === value, `${key}: --${directive} ${value}`);
            }
            const follows = s.command.indexOf("--replicaof");
            if (key === "master") assert.strictEqual(follows, -1);
            else assert.deepStrictEqual(s.command.slice(follows + 1, follows + 3), [plan.master.ip, "6379"]);
        }
    });

    it("labels every service, the network and every volume, so leftovers are found and removed", () => {
        const labelled = [...Object.values(file.services), file.networks.net, ...Object.values(file.volumes)];
        for (const x of labelled) assert.strictEqual(x.labels[TEST_LABEL], COMPOSE_LABEL);
        assert.deepStrictEqual(Object.keys(file.volumes).sort(), ["master-data", "replica-1-data", "replica-2-data"]);
    });
});
