// An app beside a replication group: two containers on the group's network that reach it with
// nothing but the group's `connection` output. The writer INCRs a counter on the master ten times
// a second; the reader GETs it from a replica, so what it prints went through replication.
// They start once the group is verified (dependsOn the component waits for all its resources),
// and run redis-cli from the group's own image; a real app brings its own image and client.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { NodeConnection, RedisReplicationGroup } from "../../components";

const config = new pulumi.Config();
const group = new RedisReplicationGroup("app-redis", {
    network: { subnet: config.get("subnet") ?? "10.88.0.0/24" },
    master: { hostPort: config.getNumber("masterHostPort") ?? 6480 },
    replicaCount: 1,
    password: config.requireSecret("password"),
    image: { baseImage: config.get("baseImage") },
});

/** The key the writer counts up and the reader reads. */
export const counterKey = "app:visits";

/** A container that repeats one redis-cli command against a node, as the connection describes it. */
function appContainer(role: string, node: pulumi.Output<NodeConnection>, command: string[]): docker.Container {
    return new docker.Container(
        `app-${role}`,
        {
            name: `redis-app-${role}`,
            image: group.imageName,
            networksAdvanced: [{ name: group.networkName }],
            command: node.apply((n) => ["redis-cli", "-h", n.host, "-p", String(n.port), "-r", "-1", "-i", "0.1", ...command]),
            // redis-cli reads the password from REDISCLI_AUTH, so it is in no command line.
            envs: [pulumi.interpolate`REDISCLI_AUTH=${node.password}`],
            restart: "unless-stopped",
        },
        { dependsOn: [group] },
    );
}

const writer = appContainer("writer", group.connection.master, ["INCR", counterKey]);
const reader = appContainer(
    "reader",
    group.connection.replicas.apply((replicas) => replicas[0]!),
    ["GET", counterKey],
);

export const writerContainer = writer.name;
export const readerContainer = reader.name;
export const replication = group.replication;
export const masterEndpoint = group.masterEndpoint;
export const replicaEndpoints = group.replicaEndpoints;
