import type { CheckReport, SubjectCheck, VersionCheck } from './schemas-check';

const DETAIL = '      ';

/** The report of `sift schemas check` as plain text for a pull-request reviewer. */
export function formatCheckReport(report: CheckReport): string {
  const lines: string[] = [];
  if (report.registry) lines.push(`registry ${report.registry}`, '');
  for (const subject of report.subjects) {
    lines.push(...subjectLines(subject), '');
  }
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

function subjectLines(subject: SubjectCheck): string[] {
  const from = subject.levelFrom === 'registry' ? ' from the registry' : '';
  const lines = [
    `${subject.eventType} (${subject.schemaTypes.join(', ')}, level ${subject.level}${from})`,
  ];
  for (const version of subject.versions) lines.push(...versionLines(version, subject));
  for (const problem of subject.problems) lines.push(`  problem: ${problem}`);
  return lines;
}

function versionLines(check: VersionCheck, subject: SubjectCheck): string[] {
  const details = [
    ...check.reasons,
    ...(check.registry?.refusals ?? []).map((reason) => `registry: ${reason}`),
    ...check.problems.map((problem) => `problem: ${problem}`),
    ...(check.notes ?? []).map((note) => `note: ${note}`),
  ];
  const parts = [verdictPhrase(check, subject)];
  if (check.registry) parts.push(registryPhrase(check));
  const headline = `  ${parts.join('; ')}${details.length > 0 ? ':' : ''}`;
  return [headline, ...details.map((detail) => `${DETAIL}${detail}`)];
}

function verdictPhrase(check: VersionCheck, subject: SubjectCheck): string {
  const nameOf = (version: number) =>
    check.schemaVer === undefined
      ? `v${version}`
      : (subject.versions.find((v) => v.version === version)?.schemaVer ?? `v${version}`);
  const name = nameOf(check.version);
  if (check.verdict === 'invalid') return `${name} invalid`;
  const against = check.checkedAgainst.map(nameOf).join(', ');
  if (check.reasons.length > 0) return `${name} NOT compatible with ${against} (${subject.level})`;
  if (check.checkedAgainst.length > 0) {
    return `${name} compatible with ${against} (${subject.level})`;
  }
  return check.version > 1 && subject.level === 'NONE'
    ? `${name} ok (NONE: not compared)`
    : `${name} ok`;
}

function registryPhrase(check: VersionCheck): string {
  const { registered, refusals } = check.registry ?? { registered: null, refusals: [] };
  if (registered) {
    return registered.version === check.version
      ? `registered as id ${registered.id}`
      : `registered as id ${registered.id}, version ${registered.version}`;
  }
  if (refusals.length > 0) return 'not registered, and the registry refuses it';
  return check.verdict === 'ok'
    ? 'not registered yet (sift schemas push will add it)'
    : 'not registered';
}

function summaryLine(report: CheckReport): string {
  const { subjects, versions, ok, incompatible, invalid, problems } = report.summary;
  const counts = `${plural(subjects, 'subject')}, ${plural(versions, 'version')}: ${ok} ok, ${incompatible} incompatible, ${invalid} invalid`;
  return problems > 0 ? `${counts}, ${plural(problems, 'problem')}` : counts;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
