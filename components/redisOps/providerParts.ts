// What every dynamic provider of the component shares: which inputs changed, and a new resource
// id. Serialized with each provider (see docs/development.md#serialized-providers).

/** True when any of `keys` differs between the old outputs and the new inputs. */
export function differs(olds: Record<string, unknown>, news: Record<string, unknown>, keys: string[]): boolean {
    return keys.some((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
}

/** A new resource id, "<prefix>-<uuid>". */
export function newId(prefix: string): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("crypto") as typeof import("crypto");
    return `${prefix}-${crypto.randomUUID()}`;
}
