import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runWorker } from '../../workers/main.js';
import { loadConfig } from '../config/config.js';
import { closeIdleDatabases } from '../store/db.js';
import { parseCsvColumns } from '../ingest/adapters/csv.js';
import { PogError, errorMessage } from '../errors.js';
import { RunSummarySchema } from '../run-summary.js';
import { discover, formatSummary } from './commands/discover.js';
import {
  ClusterEvalDocumentSchema,
  TemplateEvalDocumentSchema,
  evalClusters,
  evalTemplates,
  formatClusterEval,
  formatTemplateEval,
} from './commands/eval.js';
import {
  SlotEvalDocumentSchema,
  evalSlots,
  formatSlotEval,
  slotEvalDocument,
} from './commands/eval-slots.js';
import { formatTable, query } from './commands/query.js';
import { exportParquet } from '../analytics/export-parquet.js';
import { exportLangfuse, exportPoml } from '../promote/export-library.js';
import { TRIAGE_USAGE, triage } from './commands/triage.js';
import { formatPromotion, promote } from './commands/promote.js';
import { serve } from './commands/serve.js';
import { runs } from './commands/runs.js';
import { schedule } from './commands/schedule.js';
import { up } from './commands/up.js';
import { PromoteSummarySchema } from '../promote/summary.js';
import { ErrorDocumentSchema, ExportDocumentSchema, QueryDocumentSchema, printJson } from './output.js';

const USAGE = `pog — mine the prompts your teams type into AI chats into a governed prompt library

Usage:
  pog discover <export…> [--db FILE] [--json] [--csv-columns MAP]
                                                 import exports (files, folders, .zip) and mine patterns
  pog query "<SQL>" [--db FILE] [--json]         read-only SQL over the database
  pog triage [list|show|claim|release|approve|reject|defer|edit|merge|note] [ITEM] [--reviewer NAME]
                                                 review the queue (\`pog triage --help\` for more)
  pog up [--port 8787]                           Temporal dev server + worker + web page until Ctrl-C
  pog schedule create NAME (--cron EXPR | --every DUR) <export…> | list | pause | resume | trigger | delete NAME
                                                 discovery runs on Temporal Schedules (needs a server: pog up)
  pog runs list | show RUN | cancel RUN [--json] the discovery runs: counts, errors, stage times, live progress
  pog serve [--host 127.0.0.1] [--port 8787] [--db FILE]
                                                 the reviewers' web page (prints its URL with the write token)
  pog promote --to REPO [--reviewer NAME] [--db FILE] [--json]
                                                 commit the approved templates to a Git prompt library
  pog export --parquet DIR [--db FILE] [--json]  write every table and analyst view to DIR/<name>.parquet
  pog export --poml DIR | --langfuse FILE        the approved templates as POML files, or a Langfuse import
  pog worker [--role all|store|compute]          serve a real Temporal cluster (needs TEMPORAL_ADDRESS);
                                                 store: runs and the database, compute: CPU work (any number)
  pog eval clusters [--prompts DIR] [--json]     score the clustering on labelled prompt sets
  pog eval slots [--prompts DIR] [--json]        score how template induction recovers slot boundaries
  pog eval templates [--loghub DIR] [--json]     score line-template mining on loghub-2k (GA, PA)

Options:
  --db FILE   the DuckDB file (default data/pog.duckdb, or POG_DB)
  --json      print one JSON document on stdout; logs go to stderr
  --prompts DIR  the labelled prompt sets (default ../shared/corpora/prompts)
  --loghub DIR   the loghub-2k <System>.csv files (default ../shared/corpora/loghub-2k)
  --csv-columns text=message,author=user,time=ts
              read CSV files with this column mapping (text is required; also conversation, id, role)

Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, POG_TASK_QUEUE, POG_COMPUTE_TASK_QUEUE, POG_TEMPORAL_PORT, TEMPORAL_CLI_PATH,
OPENAI_API_KEY, OPENAI_BASE_URL, POG_LLM_MODEL, POG_CONFIG (a JSON config file; default ./pog.config.json).`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      'csv-columns': { type: 'string' },
      prompts: { type: 'string' },
      loghub: { type: 'string' },
      reviewer: { type: 'string' },
      parquet: { type: 'string' },
      poml: { type: 'string' },
      langfuse: { type: 'string' },
      to: { type: 'string' },
      host: { type: 'string' },
      cron: { type: 'string' },
      every: { type: 'string' },
      port: { type: 'string' },
      status: { type: 'string' },
      note: { type: 'string' },
      template: { type: 'string' },
      into: { type: 'string' },
      revision: { type: 'string' },
      role: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  const json = values.json;
  try {
    if (command === 'triage' && values.help) {
      process.stdout.write(TRIAGE_USAGE + '\n');
      return 0;
    }
    if (values.help || command === undefined || command === 'help') {
      process.stdout.write(USAGE + '\n');
      return command === undefined && !values.help ? 2 : 0;
    }
    const config = loadConfig(values.db ? { db: values.db } : {});
    switch (command) {
      case 'discover': {
        const csvColumns = values['csv-columns'];
        const summary = await discover(
          config,
          rest,
          csvColumns ? { csvColumns: parseCsvColumns(csvColumns) } : {},
        );
        if (json) printJson(RunSummarySchema, summary);
        else process.stdout.write(formatSummary(summary) + '\n');
        return 0;
      }
      case 'query': {
        const sql = rest.join(' ').trim();
        if (sql === '')
          throw new PogError('USAGE', 'Give the SQL to run: pog query "select count(*) from messages"');
        const rows = await query(config.db, sql);
        if (json) printJson(QueryDocumentSchema, { rows });
        else process.stdout.write(formatTable(rows) + '\n');
        return 0;
      }
      case 'eval': {
        if (rest[0] === 'slots') {
          const evaluation = evalSlots(values.prompts);
          if (json) printJson(SlotEvalDocumentSchema, slotEvalDocument(evaluation));
          else process.stdout.write(formatSlotEval(evaluation) + '\n');
          return 0;
        }
        if (rest[0] === 'templates') {
          const doc = evalTemplates(values.loghub);
          if (json) printJson(TemplateEvalDocumentSchema, doc);
          else process.stdout.write(formatTemplateEval(doc) + '\n');
          return 0;
        }
        if (rest[0] !== 'clusters')
          throw new PogError(
            'USAGE',
            'Usage: pog eval clusters|slots [--prompts DIR] [--json] | pog eval templates [--loghub DIR] [--json]',
          );
        const doc = await evalClusters(config, values.prompts);
        if (json) printJson(ClusterEvalDocumentSchema, doc);
        else process.stdout.write(formatClusterEval(doc) + '\n');
        return 0;
      }
      case 'up':
        await up(config, { host: values.host, port: values.port, reviewer: values.reviewer });
        return 0;
      case 'schedule': {
        const csvColumns = values['csv-columns'];
        return await schedule(config, rest, {
          cron: values.cron,
          every: values.every,
          json,
          ...(csvColumns ? { ingest: { csvColumns: parseCsvColumns(csvColumns) } } : {}),
        });
      }
      case 'runs':
        return await runs(config, rest, json);
      case 'serve':
        await serve(config, { host: values.host, port: values.port, reviewer: values.reviewer });
        return 0;
      case 'promote': {
        const summary = await promote(config, values.to, values.reviewer);
        if (json) printJson(PromoteSummarySchema, summary);
        else process.stdout.write(formatPromotion(summary) + '\n');
        return 0;
      }
      case 'export': {
        if (values.poml) {
          const written = await exportPoml(config.db, values.poml);
          if (json)
            printJson(ExportDocumentSchema, {
              files: written.map((file) => ({ name: 'poml', file, rows: 1 })),
            });
          else process.stdout.write(`${written.length} POML file(s) in ${values.poml}\n`);
          return 0;
        }
        if (values.langfuse) {
          const { file, prompts } = await exportLangfuse(config.db, values.langfuse);
          if (json) printJson(ExportDocumentSchema, { files: [{ name: 'langfuse', file, rows: prompts }] });
          else process.stdout.write(`${file}  ${prompts} prompt(s)\n`);
          return 0;
        }
        if (!values.parquet)
          throw new PogError('USAGE', 'Say what: pog export --parquet DIR | --poml DIR | --langfuse FILE');
        const files = await exportParquet(config.db, values.parquet);
        if (json) printJson(ExportDocumentSchema, { files });
        else for (const f of files) process.stdout.write(`${f.file}  ${f.rows} rows\n`);
        return 0;
      }
      case 'triage':
        return await triage(config, rest, {
          reviewer: values.reviewer,
          status: values.status,
          note: values.note,
          template: values.template,
          into: values.into,
          revision: values.revision,
          json,
        });
      case 'worker':
        await runWorker(config, values.role);
        return 0;
      default:
        throw new PogError('USAGE', `Unknown command "${command}". Run \`pog --help\`.`);
    }
  } catch (err) {
    const code =
      err instanceof PogError ? err.code : err instanceof z.ZodError ? 'INVALID_OUTPUT' : 'INTERNAL';
    const message = errorMessage(err);
    if (json) printJson(ErrorDocumentSchema, { error: { code, message } });
    process.stderr.write(`pog: ${message}\n`);
    if (!(err instanceof PogError) && process.env.POG_DEBUG)
      process.stderr.write(`${(err as Error).stack}\n`);
    return err instanceof PogError && code === 'USAGE' ? 2 : 1;
  }
}

const exitCode = await main(process.argv.slice(2));
closeIdleDatabases();
// Exit explicitly once stdout is flushed: Temporal's native runtime can keep the event loop alive.
process.stdout.write('', () => process.exit(exitCode));
