// Metrics: a redis_exporter per Docker engine scraping every node and sentinel, the targets as
// Prometheus file_sd, and the group's alert rules.
export { createExporters } from "./create";
export type { MetricsContext } from "./create";
export {
    exporterName,
    fileSdOf,
    METRICS_SENTINEL_RULES,
    METRICS_USER,
    METRICS_USER_RULES,
    metricsOutputOf,
    metricsTargets,
    rulesOf,
} from "./render";
export type { MetricsOutput, MetricsTarget } from "./render";
export { ALERTS, renderRules } from "./rules";
export type { RulesInput } from "./rules";
