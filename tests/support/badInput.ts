// Each kind of bad input, the error it gets (as the tests see it, word for word) and what exists
// afterwards. The tests assert these texts, and README's "Bad input" table is checked against
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
    noPersistence: {
        input: "`persistence: { appendonly: false, save: [] }` (not an error)",
        error: 'a warning: persistence is off: the master gets restart "no", because a master that restarts without AOF or RDB comes back empty, and its replicas then resync from it and empty themselves; ...',
        created:
            "the group, the master with restart `no` (with sentinels every data node), unless `persistence.acceptRestartWipingReplicas`",
        test: "tests/docker/safety.test.ts",
    },
} satisfies Record<string, BadInput>;

/** README's table, row by row. */
export function badInputRows(): string[] {
    return Object.values(BAD_INPUT).map(
        (b) => `| ${b.input} | \`${b.error.replace(/\|/g, "\\|")}\` | ${b.created} | [${b.test.split("/").pop()}](${b.test}) |`,
    );
}
