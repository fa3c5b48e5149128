// Mocha suite hooks of the Docker tier around a live backend.
import { strict as assert } from "assert";
import { dockerUnavailableReason } from "../docker";
import { assertNothingLeft, listLeftovers, removeLeftovers } from "./leftovers";
import type { LiveBackend } from "./types";

/** For a `before` hook: skips (or in CI fails) the calling suite when no Docker engine answers. */
export async function requireDocker(ctx: Mocha.Context): Promise<void> {
    const reason = await dockerUnavailableReason();
    if (reason === undefined) return;
    if (process.env.CI === "true") throw new Error(`docker tier cannot run in CI: ${reason}`);
    console.log(`    docker tier skipped: ${reason}`);
    ctx.skip();
}

/**
 * For an `after` hook: `pulumi destroy` of the backend, then clears whatever still carries the label
 * (even when failing: never left for the next run) and removes `images`, on every engine the
 * program used (backend.engines()). Throws the teardown's error, or fails when the teardown left
 * anything behind.
 */
export async function teardownAndVerify(backend: LiveBackend, testLabel: string, images: string[] = []): Promise<void> {
    let teardownError: unknown;
    try {
        await backend.teardown();
    } catch (err) {
        teardownError = err;
    }
    const engines = backend.engines();
    const left = await listLeftovers(testLabel, engines);
    await removeLeftovers(testLabel, engines);
    for (const docker of engines) {
        for (const tag of images) {
            await docker
                .getImage(tag)
                .remove()
                .catch(() => undefined);
        }
    }
    if (teardownError !== undefined) throw teardownError;
    assert.deepEqual(left, [], "teardown left objects behind");
    await assertNothingLeft(testLabel, engines);
}
