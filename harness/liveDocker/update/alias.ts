// Where a registration finds its old resource: under its own URN, else under one of its aliases,
// else under an alias it inherits from a parent that took over an alias in this run; the old URN
// it takes over is then not deleted (S = pulumi/pulumi@0ac56e87 pkg/resource/deploy/step_generator.go,
// S:588-712). URNs are the mock monitor's, which the resources' own URNs are too:
// urn:pulumi:<stack>::<project>::<parent's type>$<type>::<name>, with only the parent's own type
// in front where the engine keeps the whole chain (@pulumi/pulumi 3.270.0 runtime/mocks.js newUrn).
import type { Registration } from "./types";

/** The parts of a URN, split as the engine splits one (SplitN on "::", 4). */
function partsOf(urn: string): { stackAndProject: string; qualifiedType: string; name: string } {
    const [stack, project, qualifiedType, ...name] = urn.split("::");
    if (qualifiedType === undefined || name.length === 0) throw new Error(`live backend: ${urn} is not a URN`);
    return { stackAndProject: `${stack}::${project}`, qualifiedType, name: name.join("::") };
}

/** The resource name in a URN. */
export function urnName(urn: string): string {
    return partsOf(urn).name;
}

/** The resource's own type in a URN, without its parents' types. */
export function urnType(urn: string): string {
    return partsOf(urn).qualifiedType.split("$").pop()!;
}

/** The URN of a child of `parent`, as the mock monitor's newUrn makes it. */
export function childUrn(parent: string, type: string, name: string): string {
    const p = partsOf(parent);
    return `${p.stackAndProject}::${urnType(parent)}$${type}::${name}`;
}

/**
 * The alias a child inherits from its parent's alias (S:588-618): under the parent's old URN and,
 * when the child's name starts with the parent's name (the `${name}-role` convention), with the
 * parent's old name in its place.
 */
export function inheritedAlias(childType: string, childName: string, parentName: string, parentAlias: string): string {
    const name = childName.startsWith(parentName) ? urnName(parentAlias) + childName.slice(parentName.length) : childName;
    return childUrn(parentAlias, childType, name);
}

/**
 * The URNs a registration may find its old resource under besides its own, in the engine's order
 * (S:621-649): its own aliases, then, when its parent took over `parentAlias` in this run, the
 * aliases it inherits for its own type and name and for each of its aliases.
 */
export function aliasCandidates(reg: Registration, type: string, name: string, parentAlias: string | undefined): string[] {
    const all = [...reg.aliasUrns];
    if (reg.parent !== "" && parentAlias !== undefined) {
        const parentName = urnName(reg.parent);
        all.push(inheritedAlias(type, name, parentName, parentAlias));
        for (const a of reg.aliasUrns) all.push(inheritedAlias(urnType(a), urnName(a), parentName, parentAlias));
    }
    return [...new Set(all)];
}
