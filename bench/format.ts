// How the report writes figures.
import type { StartFloor } from "./engineFloor";
import type { Stats } from "./stats";

export const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
export const fmtStats = (s: Stats): string => `${fmtMs(s.median)} (${fmtMs(s.min)}–${fmtMs(s.max)})`;
export const fmtSec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
export const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

/** Docker's own create + start of n bare containers at once, median ms. */
export const floor = (r: { docker_start_ms: StartFloor[] }, containers: number): number | undefined =>
    r.docker_start_ms.find((f) => f.containers === containers)?.start_ms.median;
