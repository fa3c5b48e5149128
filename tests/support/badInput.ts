// Each kind of bad input, the error it gets (as the tests see it, word for word) and what exists
// afterwards. The tests assert these texts, and docs/bad-input.md's table is checked against
// them (tests/unit/badInputTable.test.ts), so the table says what the code does.

export interface BadInput {
    /** What is wrong, as the table says it. */
    input: string;
    /** The problem line of the error (after "invalid replication group configuration (N problems):"). */
    error: string;
    /** What exists after the failed `up`. */
    created: string;
    /** The test that proves it. */
    test: string;
}

export const BAD_INPUT = {
    typo: {
        input: "a mistyped or unknown key, a bad value (every problem at once)",
        error: `replica: unknown key; did you mean "replicas"?`,
        created: "nothing: thrown by the constructor",
        test: "tests/unit/config/plan.test.ts",
    },
    plainPassword: {
        input: "a bad password given as a string",
        error: "password: must not contain whitespace, newlines, quotes or backslashes (they break redis.conf)",
        created: "nothing: thrown by the constructor",
        test: "tests/unit/config/password.test.ts",
    },
    outputPassword: {
        input: 'a bad password given as an Output, e.g. `pulumi.secret("bad\\nPassw0rd-123")`',
        error: "password: must not contain whitespace, newlines, quotes or backslashes (they break redis.conf)",
        created: "nothing: the preflight fails first, and every other resource waits for it",
        test: "tests/docker/safety.test.ts",
    },
    listenedPort: {
        input: "a host port another program listens on (an engine on this machine)",
        error: "master.hostPort: port 7820 on 127.0.0.1 is already in use by another program",
        created: "nothing",
        test: "tests/docker/safety.test.ts",
    },
    publishedPort: {
        input: "a host port another container publishes",
        error: 'master.hostPort: port 6380 is already published by container "other"',
        created: "nothing",
        test: "tests/unit/preflight.test.ts",
    },
    overlappingSubnet: {
        input: "a subnet that overlaps an existing Docker network",
        error: 'network.subnet: 10.96.2.0/24 overlaps Docker network "rr-safe-2-other" (10.96.2.128/25)',
        created: "nothing",
        test: "tests/docker/safety.test.ts",
    },
    takenName: {
        input: "a container (network, volume) name something else already has",
        error: `name: container "rr-safe-2-master" already exists and is not this group's (its label redis-replication.group is unset)`,
        created: "nothing",
        test: "tests/docker/safety.test.ts",
    },
    missingNetwork: {
        input: "`network.existing` naming no network, or one whose subnet lacks a node's IP",
        error: 'network.existing: no Docker network "shared" exists',
        created: "nothing",
        test: "tests/unit/preflight.test.ts",
    },
    missingImage: {
        input: "`image.name` that the Docker engine (with `hosts`, a host's) lacks and its registry does not give",
        error: 'image.name: "acme/redis:1" is not on the Docker engine, and its registry does not give it (manifest unknown): docker load or docker pull it there first',
        created: "nothing",
        test: "tests/unit/preflight.test.ts",
    },
    noPersistence: {
        input: "`persistence: { appendonly: false, save: [] }` (not an error)",
        error: 'a warning: persistence is off: the master gets restart "no", because a master that restarts without AOF or RDB comes back empty, and its replicas then resync from it and empty themselves; ...',
        created:
            "the group, the master with restart `no` (with sentinels every data node), unless `persistence.acceptRestartWipingReplicas`",
        test: "tests/docker/safety.test.ts",
    },
    ephemeralSentinelPorts: {
        input: "sentinel host ports in 32768-60999, e.g. the defaults with `master.hostPort: 13000` (not an error)",
        error: "a warning: sentinel.nodes[0].hostPort 33000, sentinel.nodes[1].hostPort 33001, sentinel.nodes[2].hostPort 33002: in 32768-60999, Linux's ephemeral port range, where the kernel picks outgoing connections' local ports, so one may be taken when its sentinel starts; list sentinel.nodes with explicit hostPorts, e.g. below 32768 (by default they are master.hostPort + 20000 and up)",
        created: "the group, its sentinels on those ports",
        test: "tests/unit/config/sentinel.test.ts",
    },
} satisfies Record<string, BadInput>;

/** docs/bad-input.md's table, row by row (its links relative to docs/). */
export function badInputRows(): string[] {
    return Object.values(BAD_INPUT).map(
        (b) => `| ${b.input} | \`${b.error.replace(/\|/g, "\\|")}\` | ${b.created} | [${b.test.split("/").pop()}](../${b.test}) |`,
    );
}
