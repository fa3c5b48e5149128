// Inputs in the form the Docker provider reads them back. The provider's state after a create is
// what it read from Docker; an input given in any other form differs from that state on the next
// `up`, and for a ForceNew input such as cpus that replaces the container every time.

const NANO = 1_000_000_000n;

/** A whole number of nano-CPUs, as Docker's `--cpus` parser needs it; undefined if `cpus` is finer than 1e-9. */
function nanoCpus(cpus: number): bigint | undefined {
    const nano = Math.round(cpus * 1e9);
    return Math.abs(nano - cpus * 1e9) < 1e-3 ? BigInt(nano) : undefined;
}

/** Go's big.Rat FloatString(digits) for a non-negative nano count: rounded half away from zero. */
function floatString(nano: bigint, digits: number): string {
    const scale = 10n ** BigInt(digits);
    const scaled = (nano * scale * 2n + NANO) / (NANO * 2n);
    const whole = scaled / scale;
    const frac = (scaled % scale).toString().padStart(digits, "0");
    return `${whole}.${frac}`;
}

/**
 * `cpus` as the provider stores it after reading the container back: its `nanoInt64ToDecimalString`
 * (kreuzwerker/terraform-provider-docker internal/provider/helpers.go:133, read at
 * resource_docker_container_funcs.go:947). Note its quirks: 1 reads back "1.0", 10 reads back "10.",
 * and 0.05 reads back "0.1".
 */
export function cpusReadBack(cpus: number): string {
    const nano = nanoCpus(cpus);
    if (nano === undefined) throw new Error(`cpus ${cpus} is finer than Docker's 1e-9 CPU`);
    if (nano === 0n) return "0";
    const str = floatString(nano, 9);
    if ([...str].filter((c) => c === "0").length === 9) return floatString(nano, 1);
    return str.replace(/0+$/, "");
}

/**
 * Why `cpus` can't be kept stable across `up`s, or undefined when it can: the value must be
 * whole nano-CPUs, and its read-back form must parse to the same value.
 */
export function cpusStabilityProblem(cpus: number): string | undefined {
    if (nanoCpus(cpus) === undefined) return `${cpus} is finer than Docker's 1e-9 CPU`;
    const back = cpusReadBack(cpus);
    if (nanoCpus(Number(back)) !== nanoCpus(cpus)) {
        return `${cpus} is read back by the Docker provider as "${back}", so every \`up\` would replace the containers; use a value such as ${Number(back) || 0.1}`;
    }
    return undefined;
}
