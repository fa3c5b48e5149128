// How a list of problems reads: the one form of every "bad input" error, from the config's
// validation and from the preflight against Docker alike. No imports: the preflight's provider,
// serialized into state, calls it too.

/** "invalid replication group configuration (2 problems):\n  path: reason\n  path: reason" */
export function problemsMessage(problems: { propertyPath: string; reason: string }[]): string {
    const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
    return `invalid replication group configuration (${count}):\n` + problems.map((p) => `  ${p.propertyPath}: ${p.reason}`).join("\n");
}
