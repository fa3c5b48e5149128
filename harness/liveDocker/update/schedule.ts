// The engine's delete schedule: antichains of the dependency graph, reversed, so that dependents
// are deleted before what they depend on, each antichain in parallel (pulumi/pulumi@0ac56e87
// pkg/resource/deploy/step_generator.go:2747-2796). The edges are dependencies, property
// dependencies and the parent (pkg/resource/graph/dependency_graph.go:207-255).
import type { StateEntry } from "./types";

/** The URNs an entry depends on. */
export function dependenciesOf(e: StateEntry): string[] {
    return [...e.reg.dependencies, ...Object.values(e.reg.propertyDependencies).flat(), ...(e.reg.parent ? [e.reg.parent] : [])];
}

/** Runs `remove` on every entry, an entry only once no other remaining entry depends on it. */
export async function deleteScheduled(entries: StateEntry[], remove: (e: StateEntry) => Promise<void>): Promise<void> {
    let remaining = [...entries];
    while (remaining.length > 0) {
        const dependedOn = new Set(remaining.flatMap(dependenciesOf));
        const ready = remaining.filter((e) => !dependedOn.has(e.urn));
        if (ready.length === 0) throw new Error(`live backend: a dependency cycle among ${remaining.map((e) => e.urn).join(", ")}`);
        await Promise.all(ready.map(remove));
        remaining = remaining.filter((e) => !ready.includes(e));
    }
}
