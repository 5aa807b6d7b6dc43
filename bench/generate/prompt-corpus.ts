/*
 * A large labelled set of team chat prompts for the clustering scale benchmark: recurring patterns
 * (awesome-chatgpt-prompts' `${Name:default}` templates, and a few hundred short team-style task
 * templates built here from verbs × objects × constraints) and one-offs (cut, mixed and varied from
 * the real prompts of ../shared/corpora/prompts, and generated from them with a word chain).
 *
 * Every item is a prompt the pipeline keeps as a candidate (the keep/drop filter of src/extract says
 * so) and stores as written (redaction changes nothing), so `labels.json`, keyed by the SHA-256 of
 * the text, finds every candidate. Deterministic: the same options give the same items, byte for byte.
 *
 *   node --import tsx bench/generate/prompt-corpus.ts --size 100000 --out DIR
 *
 * writes DIR/export.jsonl (OpenAI chat JSONL, several prompts a conversation) and DIR/labels.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { classifyMessage } from '../../src/extract/classify.js';
import { redactText } from '../../src/redact/redact.js';
import { sha256Hex } from '../../src/util/hash.js';
import { seededRandom } from '../../src/util/random.js';

export interface CorpusItem {
  text: string;
  /** The pattern the text instantiates (`awesome-<row>`, `task-<id>`), null for a one-off. */
  label: string | null;
}

export interface PromptCorpusOptions {
  /** Number of items (default 100,000). */
  size?: number;
  seed?: number;
  /** Share of items that instantiate a recurring pattern (default 0.55); the rest are one-offs. */
  patternShare?: number;
}

type Rand = () => number;

const list = (s: string): string[] =>
  s
    .split('|')
    .map((x) => x.trim())
    .filter(Boolean);
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
export const wordCount = (text: string): number => {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 11 || c === 160;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
};

function shuffle<T>(rand: Rand, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** A normally distributed number (Box-Muller), from the seeded generator. */
const gaussian = (rand: Rand): number =>
  Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

/** A one-off's target length in words: log-normal, median 24, 90th percentile ~55, at most 300. */
const oneOffLength = (rand: Rand): number =>
  Math.max(5, Math.min(300, Math.round(Math.exp(Math.log(24) + 0.64 * gaussian(rand)))));

// ---------------------------------------------------------------------------------------------------
// Slot vocabularies of the task templates: `{name}` and `{name2}` (a different value) draw from VOCAB.name.

const VOCAB: Record<string, string[]> = {
  language: list(
    'Python|TypeScript|JavaScript|Go|Rust|Java|Kotlin|C#|C++|Ruby|PHP|Swift|Scala|Elixir|Bash|R|Dart|' +
      'Haskell|Lua|Perl|Clojure|F#|Julia|Objective-C|Zig|OCaml|Groovy|PowerShell|C|Erlang',
  ),
  code_unit: list(
    'function|class|module|React component|API handler|database migration|shell script|config loader|' +
      'Express middleware|GraphQL resolver|CLI command|background job|data pipeline step|Lambda function|' +
      'custom hook|reducer|decorator|serializer|CSV parser|retry helper|logging wrapper|rate limiter|' +
      'cache layer|auth middleware|webhook handler|repository class|service class|controller|' +
      'validation schema|date utility',
  ),
  review_focus: list(
    'security issues|performance problems|readability|race conditions|memory leaks|error handling|naming|' +
      'missed edge cases|SQL injection risks|thread safety|gaps in test coverage|accessibility problems|' +
      'N+1 queries|null handling|off-by-one errors|resource leaks|input validation|logging hygiene|' +
      'API consistency|dead code|timezone bugs|unicode handling|backwards compatibility|idempotency|' +
      'retry logic|caching mistakes|risky dependencies|code smells|style guide violations|unnecessary complexity',
  ),
  level: list(
    'a junior developer|a new hire|a product manager|a non-technical stakeholder|a five-year-old|' +
      'a senior engineer|a data analyst|a designer|an intern|a first-year student|someone from sales|our CFO|' +
      'a customer|a QA engineer|a backend developer|a frontend developer|a mobile developer|an SRE|' +
      'a security reviewer|a tech lead|a high school student|a marketing manager',
  ),
  quality: list(
    'readability|testability|performance|maintainability|type safety|error handling|separation of concerns|' +
      'naming|modularity|memory usage|composability|logging',
  ),
  test_framework: list(
    'pytest|Jest|Vitest|JUnit 5|RSpec|Mocha and Chai|go test|xUnit|NUnit|PHPUnit|Kotest|Hypothesis|' +
      'Playwright|Cypress|Testing Library|unittest|Minitest|ScalaTest|ExUnit|Catch2|GoogleTest|Spock|' +
      'Jasmine|AVA|node:test',
  ),
  edge_case: list(
    'empty input|null values|very large inputs|unicode strings|concurrent calls|network timeouts|' +
      'invalid dates|negative numbers|duplicate keys|missing fields|leap years|daylight saving changes|' +
      'expired tokens|rate limiting|partial failures|malformed JSON|division by zero|deeply nested objects|' +
      'slow responses|retries after errors|empty lists|boundary values',
  ),
  doc_style: list(
    'docstrings|JSDoc comments|type hints|inline comments|usage examples|Google-style docstrings|' +
      'TSDoc annotations|doc comments|a module header comment|error documentation',
  ),
  symptom: list(
    'a crash on startup|wrong totals|an infinite loop|duplicated rows|a memory spike|flaky results|' +
      'a deadlock under load|off-by-one output|a null pointer exception|stale data|a timeout after 30 seconds|' +
      'encoding errors|missing log lines|wrong time zones|silent failures|a stack overflow|high CPU usage|' +
      'inconsistent sorting|rounding errors|a race between two workers',
  ),
  frequency: list(
    'thousands of times per second|on every request|in a hot loop|once per page load|' +
      'for every row of a 10 million row table|in a nightly batch job|on each keystroke|for every webhook|' +
      'in a tight render loop|once per message in a queue',
  ),
  component: list(
    'payments service|mobile app|admin dashboard|billing system|search service|notification service|' +
      'auth service|data warehouse|checkout flow|onboarding flow|reporting pipeline|public API|' +
      'recommendation engine|inventory service|customer portal|analytics pipeline|email service|' +
      'feature flag service|order service|CMS|design system|internal CLI|job scheduler|ML training pipeline|' +
      'logging stack',
  ),
  table: list(
    'orders|users|customers|invoices|payments|subscriptions|events|sessions|products|employees|tickets|' +
      'shipments|inventory|page_views|signups|transactions|accounts|refunds|leads|campaigns|deployments|' +
      'incidents|reviews|carts|logins|api_requests|departments|suppliers|contracts|audit_log',
  ),
  db: list(
    'PostgreSQL|MySQL|SQLite|BigQuery|Snowflake|SQL Server|Oracle|Redshift|DuckDB|ClickHouse|MariaDB|' +
      'Databricks|Postgres 16|Athena|Trino|CockroachDB',
  ),
  sql_task: list(
    'returns the top 10 customers by revenue|counts daily active users|finds duplicate records|' +
      'calculates monthly churn|lists rows with no matching payment|computes a 7-day rolling average|' +
      'finds the second highest value per group|shows month-over-month growth|' +
      'flags records updated in the last 24 hours|ranks products by sales within each category|' +
      'finds gaps in sequential ids|pivots monthly totals into columns|' +
      'deduplicates rows keeping the latest one|calculates the median order value|' +
      'finds users who churned and came back|counts events per hour|lists accounts with overdue invoices|' +
      'computes retention by signup cohort|joins sessions to their first event|' +
      'finds the longest streak of consecutive days|sums refunds by reason|' +
      'returns the first purchase of each customer|calculates conversion from signup to paid|' +
      'finds orphaned rows|computes percentiles of response time|groups revenue by region and quarter|' +
      'lists the slowest endpoints|finds customers with more than 3 failed payments|' +
      'calculates the average time between orders|compares this year to last year',
  ),
  anomaly: list(
    'have negative amounts|have future timestamps|are missing a foreign key|have duplicate addresses|' +
      'have a null status|were created on weekends|have mismatched currencies|have empty names|' +
      'break the unique constraint|have prices above 10000|were soft-deleted but still referenced|' +
      'have end dates before start dates',
  ),
  doc: list(
    'incident report|design doc|RFC|meeting transcript|customer interview|support ticket thread|PRD|' +
      'sales call transcript|quarterly business review|research paper|blog post|contract|vendor proposal|' +
      'onboarding guide|postmortem|user survey|board memo|product spec|competitor analysis|Slack thread|' +
      'email thread|OKR document|performance review|architecture decision record|API changelog|' +
      'security audit report|marketing brief|press release|whitepaper|earnings call transcript|' +
      'user feedback export|roadmap|runbook|training manual|policy document|grant application|case study|' +
      'status report|project proposal|legal memo',
  ),
  audience: list(
    'our CEO|the engineering team|new hires|non-technical stakeholders|the board|customers|the sales team|' +
      'investors|the support team|junior developers|product managers|the legal team|executives|' +
      'the marketing team|designers|the finance team|partners|the ops team|data scientists|the security team|' +
      'the whole company|the on-call engineers|our biggest customer|the HR team|recruiters|students|' +
      'the QA team|a skeptical CTO|regional managers|the product council',
  ),
  n: list('3|4|5|6|7|8|10|12|15'),
  focus_item: list(
    'risks|decisions|deadlines|costs|open questions|customer impact|next steps|dependencies|blockers|' +
      'key metrics|owners|trade-offs|budget changes|security implications',
  ),
  group_by: list('owner|team|priority|deadline|project|theme|effort|quarter'),
  team: list(
    'the platform team|the design team|legal|finance|the data team|customer success|the mobile team|' +
      'marketing|sales ops|the SRE team|procurement|the growth team|IT|security|people ops|' +
      'the research group|the frontend guild|product|partnerships|the infrastructure team',
  ),
  tone: list(
    'friendly|formal|concise|upbeat|empathetic|neutral|persuasive|apologetic|confident|casual|professional|' +
      'warm|direct|playful|diplomatic|enthusiastic|reassuring|no-nonsense|polite but firm|humble|optimistic|' +
      'matter-of-fact|respectful|encouraging',
  ),
  length_words: list('50|80|100|120|150|200|250|300'),
  text_kind: list(
    'error message|onboarding email|product description|release note|FAQ answer|push notification|' +
      'UI string|help center article|marketing email|privacy notice|set of button labels|app store listing|' +
      'support macro|terms of service paragraph|welcome message|survey question|checkout page copy|' +
      'invoice reminder|job posting|newsletter intro',
  ),
  human_language: list(
    'Spanish|French|German|Italian|Portuguese|Brazilian Portuguese|Dutch|Polish|Japanese|Korean|' +
      'Simplified Chinese|Traditional Chinese|Arabic|Hebrew|Turkish|Swedish|Norwegian|Danish|Finnish|Czech|' +
      'Greek|Hindi|Indonesian|Vietnamese|Thai|Ukrainian|Romanian|Hungarian|Catalan|Tagalog|Malay|Bulgarian|' +
      'Croatian|Slovak|Estonian|Latvian|Lithuanian|Swahili|Bengali|Urdu',
  ),
  market: list(
    'the German market|Latin America|Japan|French-speaking Canada|Brazil|the Nordics|South Korea|' +
      'the Middle East|India|the UK|Spain|Italy|the Netherlands|Poland|Mexico|Australia|Indonesia|Turkey|' +
      'Switzerland|Quebec',
  ),
  feature: list(
    'checkout|password reset|search|onboarding|notifications|billing|user profile|dark mode|export to CSV|' +
      'two-factor login|team invitations|file upload|audit log|single sign-on|usage dashboard|' +
      'referral program|in-app chat|recurring payments|saved filters|bulk edit|calendar sync|offline mode|' +
      'webhooks settings|role-based permissions|data retention settings',
  ),
  person_role: list(
    'a customer|a vendor|my manager|a recruiter|our landlord|a frustrated client|a colleague in another team|' +
      'our accountant|a job candidate|the hiring manager|a partner agency|a journalist|an investor|' +
      'a supplier|the IT helpdesk|a new teammate|the CFO|a conference organizer|a beta tester|' +
      'a university professor|our lawyer|the product owner|a reseller|a potential customer|' +
      'a former colleague|a board member|an angry user|the facilities team|an external auditor|a contractor',
  ),
  topic: list(
    'the delayed shipment|a pricing change|the contract renewal|a missed deadline|last night’s outage|' +
      'a refund request|our Q3 roadmap|the new onboarding process|a budget increase|the upcoming migration|' +
      'a feature request|an invoice discrepancy|the project kickoff|a schedule change|the security incident|' +
      'a partnership proposal|the hiring freeze|a price quote|a bug on the billing page|' +
      'a data deletion request|the API deprecation|a conference talk proposal|a renewal discount|' +
      'an SLA breach|the pilot results|the office move|the new expense policy|a late payment|' +
      'the performance review cycle|the beta program|the license audit|the service credits|' +
      'the onboarding delays|the revised statement of work|the speaking slot',
  ),
  meeting: list(
    'sprint planning|design review|architecture review|customer call|board meeting|quarterly planning|' +
      'incident review|product sync|hiring debrief|budget review|vendor call|roadmap review|kickoff|' +
      'retrospective|sales pipeline review|security review|leadership sync|partner check-in|' +
      'user research session|pricing workshop',
  ),
  ticket_kind: list('bug|story|spike|task|epic|tech debt item|chore|improvement'),
  issue_subject: list(
    'the login timeout bug|slow dashboard loading|the broken CSV export|duplicate notification emails|' +
      'the flaky checkout test|missing audit events|wrong currency rounding|the memory leak in the worker|' +
      'search returning stale results|a broken password reset link|timezone errors in reports|' +
      'the failing nightly build|slow image uploads|the dark mode contrast issue|' +
      'missing translations in settings|retries hammering the payment provider|the pagination bug in the API|' +
      'incorrect tax calculation|app crashes on Android 14|the SSO redirect loop',
  ),
  change_desc: list(
    'adds retry logic to the HTTP client|renames the user model fields|bumps the Node version|' +
      'removes the legacy feature flag|fixes the null check in the parser|adds caching to the pricing endpoint|' +
      'splits the monolith config|moves logging to structured JSON|adds pagination to the orders API|' +
      'upgrades React to 19|fixes a race condition in the scheduler|drops the unused tables|' +
      'adds input validation to the signup form|moves config into environment variables|' +
      'adds dark mode support|improves error messages in the CLI|deletes dead code in the billing module|' +
      'adds metrics to the queue consumer|switches the date library|adds a health check endpoint',
  ),
  char_limit: list('50 characters|72 characters|one line|20 words|a single sentence'),
  naming_convention: list(
    'our team convention|the feature/TICKET-123 style|kebab-case|the Git Flow convention',
  ),
  regex_target: list(
    'ISO 8601 dates|US zip codes|semantic version strings|UUIDs|hex color codes|IPv4 addresses|' +
      'URLs with query strings|Markdown links|hashtags|log file paths|times in HH:MM format|' +
      'phone numbers with country codes|camelCase identifiers|SKU codes like AB-1234|log lines with ERROR level|' +
      'repeated words|trailing whitespace|HTML tags|Jira ticket keys|git commit hashes|Canadian postal codes|' +
      'German license plates|currency amounts|subject prefixes like RE and FWD|percentages|file extensions|' +
      'social media handles|YAML keys|quoted strings|domain names',
  ),
  regex_flavor: list('JavaScript|Python|PCRE|Go|Java|.NET|POSIX ERE|Rust|Ruby|grep -E'),
  text_source: list(
    'server logs|a CSV column|HTML pages|Markdown files|commit messages|customer emails|a JSON dump|' +
      'support tickets|Slack exports|PDF text',
  ),
  false_match: list(
    'partial words|empty strings|trailing dots|uppercase variants|numbers with leading zeros|strings with spaces',
  ),
  dataset: list(
    'sales data|survey responses|web analytics export|support ticket data|CRM export|app store reviews|' +
      'A/B test results|marketing spend data|inventory data|HR attrition data|server metrics|' +
      'subscription data|NPS responses|churn data|pricing experiment data|event logs|customer feedback|' +
      'clickstream data|payroll data|energy usage data',
  ),
  time_period: list(
    'last quarter|the past 30 days|the last 12 months|Q2|this year|last week|the previous sprint|2023|' +
      'the first half of the year|the past 6 weeks|last month|the Black Friday week',
  ),
  dimension: list(
    'region|customer segment|channel|product line|plan type|device|country|acquisition source|cohort|' +
      'sales rep|week|industry',
  ),
  metric: list(
    'weekly active users|churn rate|conversion rate|average order value|customer lifetime value|' +
      'net revenue retention|time to first response|ticket backlog|gross margin|CAC payback|page load time|' +
      'error rate|trial-to-paid conversion|daily signups|refund rate|on-time delivery rate|' +
      'employee attrition|feature adoption|session length|cart abandonment',
  ),
  product: list(
    'our project management app|a reusable water bottle|a B2B invoicing tool|noise-cancelling headphones|' +
      'a meal-kit subscription|our new CRM integration|a standing desk|an AI note-taking app|' +
      'a budgeting app for students|our developer API|a coworking space|a password manager|' +
      'an online Spanish course|a smart thermostat|our analytics dashboard|a vegan protein bar|' +
      'a language learning podcast|an electric cargo bike|our mobile banking app|' +
      'a cybersecurity training program|a plant-based skincare line|a time-tracking tool|' +
      'our enterprise support plan|a kids coding camp|a dog-walking service|an open-source database|' +
      'a boutique hotel|a fitness tracker|a small-business accounting service|a 3D printing service',
  ),
  target_segment: list(
    'small business owners|Gen Z students|busy parents|enterprise IT buyers|freelancers|remote teams|' +
      'startup founders|retirees|developers|healthcare providers|teachers|marketing managers|' +
      'frequent travelers|gamers|nonprofits|first-time home buyers|HR leaders|e-commerce sellers|' +
      'local restaurants|creative agencies',
  ),
  launch_item: list(
    'our spring release|the new pricing plans|version 2.0|our mobile app|a partnership with a major retailer|' +
      'the beta program|our European expansion|a new integration|the free tier|our annual conference|' +
      'a rebrand|the redesigned dashboard',
  ),
  channel: list(
    'LinkedIn post|tweet|Instagram caption|newsletter blurb|landing page hero section|Google Ads copy|' +
      'Product Hunt tagline|press release intro|App Store description|cold email|Facebook ad|' +
      'YouTube video description|banner headline|SMS campaign message|blog intro|TikTok script|' +
      'podcast ad read|email subject line|case study summary',
  ),
  concept: list(
    'eventual consistency|OAuth 2.0 with PKCE|database indexing|the CAP theorem|vector embeddings|' +
      'Kubernetes operators|event sourcing|CRDTs|rate limiting|zero-downtime deployments|feature flags|' +
      'blue-green deployments|idempotency keys|gradient descent|transformers in NLP|consistent hashing|' +
      'the actor model|garbage collection in the JVM|the JavaScript event loop|Rust ownership|' +
      'the Python GIL|async/await|dependency injection|content security policy|TLS handshakes|' +
      'DNS resolution|message queues|database sharding|ACID transactions|CQRS|semantic versioning|monorepos|' +
      'WebSockets|GraphQL federation|differential privacy|statistical significance in A/B tests|p-values|' +
      'Bayesian inference|cohort analysis|technical debt',
  ),
  os: list(
    'macOS|Ubuntu 22.04|Windows with PowerShell|Alpine Linux|Debian|Amazon Linux 2023|Fedora|WSL2|' +
      'a Raspberry Pi|CentOS Stream',
  ),
  shell_task: list(
    'find all files larger than 100MB|delete branches that were merged into main|' +
      'tail the logs of a crashed container|rename all .jpeg files to .jpg|count lines of code per language|' +
      'find which process is using port 8080|compress old log files|sync a folder to S3|' +
      'list the 20 biggest directories|replace a string in every file of a repo|kill zombie processes|' +
      'watch disk usage every minute|back up a Postgres database|check when an SSL certificate expires|' +
      'find files modified in the last day|batch resize images|extract a column from a CSV|' +
      'show last week’s git commits by author|clean up dangling Docker images|generate a random UUID|' +
      'convert line endings to LF|monitor the memory usage of a process|test if a remote port is open|' +
      'bulk rename files with a date prefix|dump environment variables to a file',
  ),
  tool: list(
    'Docker|Kubernetes|Terraform|Ansible|nginx|systemd|Helm|Jenkins|Redis|Kafka|RabbitMQ|Elasticsearch|' +
      'Prometheus|Grafana|Vault|Airflow|Argo CD|Caddy|Traefik|Consul',
  ),
  ci: list(
    'GitHub Actions|GitLab CI|Jenkins|CircleCI|Buildkite|Azure Pipelines|Bitbucket Pipelines|Travis CI|' +
      'TeamCity|Drone',
  ),
  cloud: list(
    'AWS|GCP|Azure|Fly.io|Heroku|DigitalOcean|Hetzner|Render|Vercel|Cloudflare Workers|on-prem servers|OpenShift',
  ),
  app_kind: list(
    'web API|background worker|static site|Next.js app|cron service|gRPC service|Django app|' +
      'Spring Boot service|data pipeline|CLI tool|WebSocket server|ML inference service|Flask app|Rails app|' +
      'Go microservice',
  ),
  devops_symptom: list(
    'keeps restarting|fails its health checks|runs out of memory|cannot pull the image|hangs on startup|' +
      'returns 502s|loses its volume data|times out connecting to the database|ignores environment variables|' +
      'fills the disk with logs',
  ),
  ops_metric: list(
    'latency|error rate|queue depth|disk usage|memory pressure|CPU throttling|certificate expiry|' +
      'failed jobs|replication lag|5xx responses',
  ),
  spreadsheet: list('Excel|Google Sheets|LibreOffice Calc|Numbers|Airtable|Smartsheet'),
  formula_task: list(
    'sums sales by month|looks up prices from another sheet|flags duplicate rows|' +
      'calculates working days between two dates|splits full names into two columns|' +
      'highlights overdue invoices|counts unique customers|ranks reps by revenue|' +
      'converts currencies using a rate table|extracts the domain from a URL|calculates running totals|' +
      'finds the latest date per customer|pulls the last 7 days of data|computes year-over-year change|' +
      'concatenates address fields|rounds prices to the nearest 0.05|flags cells with missing values|' +
      'calculates age from a birth date|averages scores ignoring zeros|counts weekdays in a month',
  ),
  columns: list(
    'dates and amounts|names and departments|SKU, price and stock|customer, plan and MRR|start and end dates|' +
      'region, rep and revenue|order ids and statuses|scores per question|hours per project|campaigns and spend',
  ),
  role: list(
    'senior backend engineer|product designer|data analyst|engineering manager|customer success manager|' +
      'DevOps engineer|marketing coordinator|sales development rep|frontend developer|QA engineer|' +
      'data scientist|product manager|technical writer|mobile developer|security engineer|' +
      'HR business partner|finance analyst|solutions architect|support engineer|UX researcher|' +
      'machine learning engineer|content strategist|office manager|account executive|site reliability engineer',
  ),
  company_kind: list(
    'fintech startup|hospital network|logistics company|university|game studio|law firm|SaaS company|' +
      'city council|insurance company|e-commerce brand|nonprofit|consulting firm|manufacturing company|' +
      'media company|travel agency|energy utility|retail chain|biotech lab|design agency|public library',
  ),
  interview_focus: list(
    'system design|communication|leadership|debugging|culture add|ownership|SQL skills|' +
      'stakeholder management|product sense|coding fundamentals|conflict resolution|data modelling',
  ),
  pres_topic: list(
    'our Q3 results|the migration to Kubernetes|the new pricing model|customer churn findings|our AI strategy|' +
      'the security incident|the hiring plan for next year|the product roadmap|the results of the user survey|' +
      'the cloud cost reduction project|our expansion into Europe|the data platform rewrite|' +
      'the onboarding redesign|accessibility improvements|the support team’s metrics|the quarterly OKRs|' +
      'the vendor selection|the design system launch|the mobile app relaunch|the incident response process',
  ),
  minutes: list('5|10|15|20|30|45'),
  customer_issue: list(
    'was charged twice|cannot log in after changing their phone|wants a refund after the trial ended|' +
      'reports the app crashes on upload|asks when a feature will ship|is angry about a price increase|' +
      'lost data after an update|wants to cancel the subscription|cannot find the invoice|' +
      'got an error at checkout|received a damaged item|asks for more time to pay|' +
      'complains about slow replies from support|wants to export their data|reports a security concern|' +
      'is stuck on a loading screen|asks how to add more seats|wants to change the billing address|' +
      'reports missing notifications|asks for a discount',
  ),
  plan: list('enterprise|free-tier|trial|premium|annual|legacy|nonprofit|education'),
  remedy: list(
    'a partial refund|a free month|priority support|an extended trial|a discount on renewal|' +
      'a call with an engineer|expedited shipping|a service credit',
  ),
  error: list(
    'a 502 Bad Gateway|ECONNRESET errors|out-of-memory kills|a CORS error|too many open files|' +
      'a segmentation fault|a deadlock detected error|SSL handshake failures|429 Too Many Requests|' +
      'module not found errors|a null pointer exception|a stack overflow error|connection refused|' +
      'timeouts from the database|a hydration mismatch warning|a certificate expired error|' +
      'permission denied errors|a UnicodeDecodeError|a Gradle build failure|heap out of memory crashes',
  ),
  dependency: list(
    'React|Node 20|Python 3.12|Spring Boot 3|the AWS SDK|webpack|Django 5|Postgres|our ORM|' +
      'the Kubernetes cluster|TypeScript|Next.js',
  ),
  project: list(
    'the website redesign|the data warehouse migration|the mobile app launch|the office relocation|' +
      'the CRM rollout|the SOC 2 audit|the API v2 release|the customer portal rebuild|the hiring push|' +
      'the ERP upgrade|the rebrand|the new partner program|the internal tools cleanup|the checkout rewrite|' +
      'the analytics overhaul|the support chatbot pilot|the cloud cost cutting effort|' +
      'the localization project|the accessibility audit|the product-led growth experiment',
  ),
  deadline: list(
    'the end of the month|next Friday|Q4|the end of the quarter|March 31|six weeks from now|' +
      'the board review|the end of the year|two sprints from now|mid-June',
  ),
  thing: list(
    'internal tool|podcast|newsletter|Slack channel|hackathon team|design system|public API|mascot|' +
      'data product|onboarding program|mentoring program|reading club|community forum|analytics dashboard|' +
      'release train|support bot|meetup series|customer advisory board',
  ),
  achievement: list(
    'shipping our 2.0 release|my promotion to team lead|our team winning a hackathon|' +
      'reaching 10,000 customers|my first conference talk|completing the AWS certification|' +
      'five years at the company|launching our open-source library|closing our Series A|' +
      'migrating 200 services to Kubernetes|our app hitting 1 million downloads|my new role as a data scientist|' +
      'the end of a two-year project|publishing our research paper|cutting our cloud bill in half',
  ),
  review_target: list(
    'a junior engineer who is strong technically but misses deadlines|a high-performing designer|' +
      'a new manager|a support agent with great customer scores|a data analyst who should communicate more|' +
      'a senior engineer ready for promotion|an intern finishing the summer|a salesperson below quota|' +
      'a teammate who mentors others a lot|a product manager who struggles with prioritization',
  ),
  skill: list(
    'Kubernetes|SQL|public speaking|Rust|data visualization|system design|machine learning basics|negotiation|' +
      'TypeScript|product management|statistics|Spanish|Figma|technical writing|Terraform|financial modeling|' +
      'React|Go|cybersecurity fundamentals|people management',
  ),
  weeks: list('2|3|4|6|8|10|12'),
  language_variant: list('US English|British English|Canadian English|Australian English'),
  bad_quality: list(
    'robotic|passive-aggressive|salesy|stiff|defensive|vague|wordy|negative|jargon-heavy|condescending',
  ),
  format: list(
    'a table|JSON|bullet points|a Markdown table|CSV|YAML|a numbered list|a one-page memo|an FAQ|a checklist',
  ),
};

// ---------------------------------------------------------------------------------------------------
// Task templates: per family, actions (`@` stands for the object) × objects, each pair with one of the
// action's constraints, kept when it has 2 to 4 slots.

type PayloadKind = 'code' | 'sql' | 'diff' | 'document' | 'notes' | 'csv';

interface Family {
  name: string;
  payload?: PayloadKind;
  question?: boolean;
  objects: string[];
  actions: [head: string, constraints: string[]][];
}

const FAMILIES: Family[] = [
  {
    name: 'code',
    payload: 'code',
    objects: [
      'this {language} {code_unit}',
      'the {language} {code_unit} below',
      'this {code_unit} from our {component}',
    ],
    actions: [
      [
        'Review @',
        [
          'for {review_focus}',
          'and point out {review_focus} and {review_focus2}',
          'and list every issue with a severity',
        ],
      ],
      ['Explain what @ does', ['to {level}', 'step by step', 'in {n} sentences']],
      [
        'Refactor @',
        ['to improve {quality}', 'without changing its behaviour', 'into smaller functions and explain why'],
      ],
      [
        'Write unit tests for @',
        ['using {test_framework}', 'that cover {edge_case}', 'with {test_framework}, including {edge_case}'],
      ],
      ['Add {doc_style} to @', ['', 'and keep the formatting as is', 'for {level}']],
      ['Find the bug in @', ['that causes {symptom}', 'that leads to {symptom} in production', '']],
      ['Convert @ to {language2}', ['and keep the public API the same', 'using idiomatic {language2}', '']],
      [
        'Make @ faster',
        ['because it runs {frequency}', 'without adding new dependencies', 'and explain the trade-offs'],
      ],
    ],
  },
  {
    name: 'sql',
    payload: 'sql',
    objects: ['in the {table} table', 'across the {table} and {table2} tables', 'in our {db} database'],
    actions: [
      ['Write a SQL query that {sql_task} @', ['', 'using a CTE', 'and sort the result by date']],
      ['Explain why my query that {sql_task} @ is slow', ['', 'and suggest indexes', 'and rewrite it']],
      ['Create a view that {sql_task} @', ['for the BI team', '', 'with clear column names']],
      [
        'Write a query to find rows that {anomaly} @',
        ['', 'and count them by day', 'and delete them safely'],
      ],
      [
        'Design indexes for a query that {sql_task} @',
        ['', 'and explain the trade-offs', 'without locking writes'],
      ],
      [
        'Write a dbt model that {sql_task} @',
        ['', 'with tests for nulls and uniqueness', 'as an incremental model'],
      ],
    ],
  },
  {
    name: 'summarize',
    payload: 'document',
    objects: ['this {doc}', 'the {doc} below', 'the {doc} that {team} shared'],
    actions: [
      [
        'Summarize @',
        [
          'for {audience} in {n} bullet points',
          'in {n} sentences',
          'for {audience}, highlighting {focus_item}',
        ],
      ],
      [
        'Extract the action items from @',
        ['and assign an owner to each', 'grouped by {group_by}', 'as a checklist for {audience}'],
      ],
      ['Write a TL;DR of @', ['for {audience}', 'in under {length_words} words', 'in a {tone} tone']],
      [
        'List the open questions in @',
        ['for {audience}', 'and suggest who should answer each', 'ranked by urgency'],
      ],
      ['Extract the key risks from @', ['and rate each from 1 to {n}', 'as {format}', 'for {audience}']],
      ['Rewrite @ as {format}', ['for {audience}', '', 'keeping only the {focus_item}']],
    ],
  },
  {
    name: 'translate',
    payload: 'document',
    objects: ['this {text_kind}', 'the {text_kind} below', 'our {text_kind} for the {feature} page'],
    actions: [
      ['Translate @ into {human_language}', ['', 'and keep the placeholders intact', 'in a {tone} tone']],
      [
        'Rewrite @ for readers in {market}',
        ['', 'and flag anything culturally off', 'keeping it under {length_words} words'],
      ],
      [
        'Proofread the {human_language} version of @',
        ['', 'and fix awkward phrasing', 'against the English original'],
      ],
      [
        'Translate @ from {human_language} to English',
        ['', 'and explain any idioms', 'word for word, then naturally'],
      ],
      [
        'Write {n} {human_language} versions of @',
        ['', 'with different levels of formality', 'in a {tone} tone'],
      ],
    ],
  },
  {
    name: 'email',
    objects: [
      'to {person_role} about {topic}',
      'for {person_role} regarding {topic}',
      'to {person_role} following up on {topic}',
    ],
    actions: [
      ['Draft an email @', ['', 'in a {tone} tone', 'in under {length_words} words']],
      ['Write a reply @', ['', 'that is {tone} but clear', 'and propose next steps']],
      ['Write a polite decline @', ['', 'and suggest an alternative', 'in a {tone} tone']],
      ['Draft a short Slack message @', ['', 'that sounds {tone}', 'with {n} bullet points']],
      ['Write an apology email @', ['', 'with a concrete fix and timeline', 'in a {tone} tone']],
      ['Write a thank-you note @', ['', 'in {n} sentences', 'in a {tone} tone']],
      ['Draft a request for a call @', ['', 'offering {n} time slots', 'with a short agenda']],
    ],
  },
  {
    name: 'meeting-notes',
    payload: 'notes',
    objects: ['from today’s {meeting}', 'from the {meeting} with {team}', 'from our weekly {meeting}'],
    actions: [
      [
        'Turn my rough notes @ into clean minutes',
        ['', 'with decisions and action items', 'formatted as {format}'],
      ],
      ['Write a recap email of my notes @', ['for {audience}', 'in {n} bullet points', '']],
      ['List the decisions we made @', ['', 'and who owns each', 'as {format}']],
      ['Find the unresolved questions in my notes @', ['', 'and suggest owners', 'for {audience}']],
      ['Summarize the discussion @', ['in {n} bullet points', 'for {audience}', 'highlighting {focus_item}']],
    ],
  },
  {
    name: 'tickets',
    objects: ['for {issue_subject}', 'about {issue_subject} in the {component}', 'for the {feature} feature'],
    actions: [
      [
        'Write a Jira ticket @',
        ['with acceptance criteria', 'with steps to reproduce', 'as a {ticket_kind}'],
      ],
      [
        'Write a user story @',
        ['with {n} acceptance criteria', 'in Given/When/Then format', 'from the point of view of {level}'],
      ],
      ['Split the work @ into subtasks', ['', 'with story point estimates', 'for {n} engineers']],
      ['Write a bug report @', ['', 'with expected and actual behaviour', 'for {audience}']],
      ['Give me an effort estimate @', ['in t-shirt sizes', 'and list the risks', 'for a team of {n}']],
      ['Write a spike description @', ['with a {n}-day timebox', 'and the questions it should answer', '']],
    ],
  },
  {
    name: 'commits',
    payload: 'diff',
    objects: [
      'for this {language} diff',
      'for these changes to the {component}',
      'for a change that {change_desc}',
    ],
    actions: [
      [
        'Write a commit message @',
        ['in Conventional Commits format', 'under {char_limit}', 'that explains the why, not the what'],
      ],
      [
        'Write a PR description @',
        ['with a testing section', 'for {audience}', 'with a summary and a risks section'],
      ],
      ['Write a changelog entry @', ['for {audience}', 'in a {tone} tone', '']],
      ['Suggest a branch name @', ['', 'using {naming_convention}', '']],
      ['Write release notes @', ['for {audience}', 'in {n} bullet points', 'in a {tone} tone']],
    ],
  },
  {
    name: 'regex',
    objects: [
      'that matches {regex_target}',
      'to validate {regex_target}',
      'that extracts {regex_target} from {text_source}',
    ],
    actions: [
      ['Write a regex @', ['in {regex_flavor}', 'and explain each part', 'with {n} test cases']],
      [
        'Give me a {regex_flavor} regular expression @',
        ['', 'with named groups', 'that avoids catastrophic backtracking'],
      ],
      [
        'Fix my regex @',
        ['because it also matches {false_match}', 'so it stops matching {false_match}', 'in {regex_flavor}'],
      ],
      ['Write a grep command @', ['', 'and count the matches', 'across all files in a folder']],
      ['Write a {language} function @', ['', 'with unit tests', 'without using a regex']],
    ],
  },
  {
    name: 'data-analysis',
    payload: 'csv',
    objects: ['in this {dataset}', 'in our {dataset} for {time_period}', 'in the attached {dataset}'],
    actions: [
      ['Find the main trends @', ['and explain what drives them', 'by {dimension}', 'in {n} bullet points']],
      [
        'Write pandas code to clean the data @',
        ['', 'and handle missing values', 'and plot {metric} by {dimension}'],
      ],
      ['Calculate {metric} @', ['by {dimension}', 'and compare it with {time_period}', '']],
      ['Suggest the best chart to show {metric} @', ['', 'for {audience}', 'by {dimension}']],
      ['Find anomalies @', ['in {metric}', 'and explain possible causes', 'by {dimension}']],
      ['Run a cohort analysis @', ['by {dimension}', 'on {metric}', '']],
      [
        'Build a simple forecast of {metric} from the data @',
        ['', 'for the next quarter', 'and explain the assumptions'],
      ],
    ],
  },
  {
    name: 'marketing',
    objects: ['for {product}', 'for {product} aimed at {target_segment}', 'announcing {launch_item}'],
    actions: [
      [
        'Write a {channel} @',
        ['in a {tone} tone', 'in under {length_words} words', 'with a clear call to action'],
      ],
      ['Write {n} headline options @', ['', 'in a {tone} tone', 'for an A/B test']],
      [
        'Write a product description @',
        ['in a {tone} tone', 'in under {length_words} words', 'with {n} key benefits'],
      ],
      ['Suggest {n} taglines @', ['', 'that sound {tone}', 'under 8 words each']],
      [
        'Draft a {channel} campaign plan @',
        ['for {time_period}', 'with a budget breakdown', 'with weekly milestones'],
      ],
      ['Write SEO meta descriptions @', ['', 'with {n} variants', 'under 155 characters']],
    ],
  },
  {
    name: 'explain',
    objects: ['{concept}', 'how {concept} works', 'the difference between {concept} and {concept2}'],
    actions: [
      ['Explain @', ['to {level}', 'with a real-world analogy', 'in {n} sentences']],
      ['Write a short internal wiki page on @', ['for {audience}', 'with examples in {language}', '']],
      ['Give me {n} interview questions on @', ['for {level}', 'with answers', '']],
      ['Create a quiz about @', ['with {n} questions', 'for {audience}', '']],
      ['Make a cheat sheet for @', ['', 'with code in {language}', 'for {level}']],
      ['List common misconceptions about @', ['', 'and correct each one', 'among {audience}']],
    ],
  },
  {
    name: 'shell',
    objects: ['on {os}', 'in a {tool} container', 'in a {ci} job'],
    actions: [
      ['Write a bash one-liner to {shell_task} @', ['', 'and explain each flag', 'that is safe to rerun']],
      [
        'Give me the command to {shell_task} @',
        ['', 'with a dry-run option', 'and show the expected output'],
      ],
      ['Write a script to {shell_task} @', ['with error handling', 'and log the output', '']],
      ['Set up a cron job to {shell_task} @', ['every night', 'every {n} hours', '']],
      ['Explain why {tool2} {devops_symptom} @', ['', 'and how to fix it', 'and what to check first']],
    ],
  },
  {
    name: 'infra',
    objects: [
      'for a {language} {app_kind}',
      'for our {app_kind} on {cloud}',
      'for a {app_kind} that talks to {tool}',
    ],
    actions: [
      ['Write a Dockerfile @', ['with a multi-stage build', 'that runs as a non-root user', '']],
      [
        'Write a Kubernetes deployment manifest @',
        ['with health checks', 'with {n} replicas and resource limits', ''],
      ],
      ['Write a {ci} workflow @', ['that runs tests and lints', 'that deploys on every tag', '']],
      ['Write Terraform @', ['with separate staging and production', 'using modules', '']],
      ['Set up monitoring and alerts @', ['with {tool2}', 'for {ops_metric}', '']],
      ['Write a runbook @', ['for when it {devops_symptom}', 'for the on-call engineer', '']],
    ],
  },
  {
    name: 'spreadsheet',
    objects: [
      'in {spreadsheet}',
      'in a {spreadsheet} sheet with {columns}',
      'for my {spreadsheet} budget tracker',
    ],
    actions: [
      ['Write a formula that {formula_task} @', ['', 'and explain how it works', 'without helper columns']],
      ['Write a macro that {formula_task} @', ['', 'that runs on open', 'with comments']],
      [
        'Show me how to build a sheet that {formula_task} @',
        ['', 'step by step', 'with conditional formatting'],
      ],
      [
        'Fix my formula that {formula_task} @',
        ['because it returns #N/A', 'because it gives the wrong total', ''],
      ],
      ['Create a pivot table that shows {metric} @', ['by {dimension}', '', 'for {time_period}']],
    ],
  },
  {
    name: 'editing',
    payload: 'document',
    objects: [
      'this {text_kind}',
      'the paragraph below from our {doc}',
      'my draft {text_kind} for {audience}',
    ],
    actions: [
      ['Proofread @', ['', 'and list every change you made', 'for {language_variant} spelling']],
      [
        'Rewrite @ to sound more {tone}',
        ['', 'and keep it under {length_words} words', 'without losing any facts'],
      ],
      ['Shorten @ to {length_words} words', ['', 'keeping the key message', 'for mobile readers']],
      ['Make @ sound less {bad_quality}', ['', 'but keep the structure', 'and explain what you changed']],
      ['Fix the grammar in @', ['', 'and keep the {tone} tone', 'without changing the meaning']],
      ['Turn @ into {format}', ['', 'for a slide', 'with a one-line summary on top']],
    ],
  },
  {
    name: 'hiring',
    objects: ['for a {role}', 'for a {role} joining {team}', 'for a {role} at a {company_kind}'],
    actions: [
      ['Write a job description @', ['', 'with a salary range and benefits', 'in a {tone} tone']],
      [
        'Give me {n} interview questions @',
        ['', 'focused on {interview_focus}', 'with what a good answer looks like'],
      ],
      ['Design a take-home assignment @', ['that takes under {n} hours', '', 'with a scoring rubric']],
      ['Write a rejection email @', ['', 'in a {tone} tone', 'after the final round']],
      ['Draft a 30-60-90 day onboarding plan @', ['', 'with weekly goals', 'with a buddy system']],
      ['Create an interview scorecard @', ['with {n} criteria', '', 'weighted towards {interview_focus}']],
    ],
  },
  {
    name: 'presentations',
    objects: ['about {pres_topic}', 'on {pres_topic} for {audience}', 'that summarizes {pres_topic}'],
    actions: [
      ['Create a {n}-slide outline @', ['', 'with speaker notes', 'for a {minutes}-minute slot']],
      ['Write speaker notes for a talk @', ['', 'in a {tone} tone', 'that fit in {minutes} minutes']],
      ['Suggest {n} titles for a presentation @', ['', 'that sound {tone}', '']],
      ['Write the opening two minutes of a talk @', ['', 'with a story hook', 'in a {tone} tone']],
      ['Write an executive summary slide @', ['', 'with {n} key numbers', 'in {n2} bullet points']],
    ],
  },
  {
    name: 'support',
    objects: [
      'for a customer who {customer_issue}',
      'for a ticket where the user {customer_issue}',
      'for a {plan} customer who {customer_issue}',
    ],
    actions: [
      ['Write a response @', ['', 'in a {tone} tone', 'and offer {remedy}']],
      ['Draft a canned reply @', ['', 'that we can reuse', 'in {human_language} and English']],
      ['Write an internal escalation note @', ['', 'for {team}', 'with the steps already tried']],
      ['Write a follow-up message @', ['', 'checking that the fix worked', 'in a {tone} tone']],
    ],
  },
  {
    name: 'design',
    objects: [
      'for {feature}',
      'for the {feature} feature in our {component}',
      'for {feature} in a {company_kind} app',
    ],
    actions: [
      ['Design a REST API @', ['', 'with example requests and responses', 'that stays backwards compatible']],
      ['Write an OpenAPI spec @', ['', 'with error responses', 'in YAML']],
      ['Propose a database schema @', ['in {db}', 'with indexes', '']],
      ['Write a design doc outline @', ['for {audience}', 'with alternatives considered', '']],
      ['List the edge cases to test @', ['', 'including {edge_case}', 'for {level}']],
      ['Write a test plan @', ['', 'with {n} scenarios', 'covering {edge_case}']],
    ],
  },
  {
    name: 'debugging',
    question: true,
    objects: ['in my {language} app', 'in our {component}', 'when running {tool} on {os}'],
    actions: [
      ['Why am I getting {error} @', ['', 'after upgrading {dependency}', 'only in production']],
      ['How do I fix {error} @', ['', 'without a restart', 'for good']],
      ['What does {error} mean @', ['', 'and how do I debug it', '']],
      ['Help me debug {error} @', ['', 'that started yesterday', 'that happens about once a day']],
    ],
  },
  {
    name: 'planning',
    objects: ['for {project}', 'for {project} with a team of {n}', 'for {project}, due {deadline}'],
    actions: [
      ['Create a project plan @', ['', 'with milestones', 'with owners and dependencies']],
      ['Write OKRs @', ['', 'with {n2} key results each', 'for {team}']],
      ['Draft a RACI matrix @', ['', 'for {team} and {team2}', '']],
      ['Write a risk register @', ['', 'with mitigations', 'ranked by impact']],
      ['Make a week-by-week timeline @', ['', 'as {format}', 'with buffer for reviews']],
      [
        'Write a weekly status update @',
        ['for {audience}', 'in a {tone} tone', 'with a red/amber/green status'],
      ],
    ],
  },
  {
    name: 'brainstorm',
    objects: ['{product}', 'our new {thing}', 'a {thing} at a {company_kind}'],
    actions: [
      ['Brainstorm {n} names for @', ['', 'that sound {tone}', 'that work in {human_language} too']],
      ['Suggest {n} ways to promote @', ['', 'on a small budget', 'to {target_segment}']],
      ['List the biggest risks of launching @', ['', 'and how to test them cheaply', 'for {audience}']],
      ['Write a one-page pitch for @', ['', 'for {audience}', 'in a {tone} tone']],
      ['Suggest {n} KPIs to measure the success of @', ['', 'with target values', 'for {time_period}']],
    ],
  },
  {
    name: 'announcements',
    objects: ['about {achievement}', 'celebrating {achievement}', 'reflecting on {achievement}'],
    actions: [
      ['Write a LinkedIn post @', ['in a {tone} tone', 'in under {length_words} words', 'with {n} hashtags']],
      ['Write a short speech @', ['for {audience}', 'that lasts {minutes} minutes', 'in a {tone} tone']],
      ['Draft a team announcement @', ['for {audience}', 'in a {tone} tone', 'with {n} highlights']],
      ['Write a blog post outline @', ['with {n} sections', 'for {audience}', 'in a {tone} tone']],
    ],
  },
  {
    name: 'feedback',
    objects: [
      'for {review_target}',
      'for {review_target}, focusing on {interview_focus}',
      'for {review_target} on {team}',
    ],
    actions: [
      ['Write a performance review @', ['', 'in a {tone} tone', 'using the SBI model']],
      ['Draft written feedback @', ['', 'with {n} concrete examples', 'in a {tone} tone']],
      ['Write a promotion case @', ['', 'with evidence for each level criterion', 'in {n} paragraphs']],
      ['Suggest development goals @', ['', 'for {time_period}', 'with {n} measurable outcomes']],
    ],
  },
  {
    name: 'learning',
    objects: ['{skill}', '{skill} as {level}', '{skill} in {weeks} weeks'],
    actions: [
      ['Create a study plan to learn @', ['', 'with weekly milestones', 'for {n} hours a week']],
      ['Recommend resources to learn @', ['', 'that are free', 'for {level}']],
      ['Design {n} practice exercises for learning @', ['', 'with solutions', 'that build on each other']],
      ['Make a roadmap for learning @', ['', 'with {n} checkpoints', 'and a final project']],
    ],
  },
];

const SLOT_NAME = /\{([a-z_]+?)(\d?)\}/g;

export interface TaskTemplate {
  id: string;
  family: Family;
  text: string;
}

/** The task templates, in a fixed order: `task-<index>`. */
export function taskTemplates(): TaskTemplate[] {
  const out: TaskTemplate[] = [];
  const seen = new Set<string>();
  for (const family of FAMILIES) {
    for (const [a, [head, constraints]] of family.actions.entries()) {
      for (const [o, object] of family.objects.entries()) {
        const core = head.replace('@', object);
        for (let k = 0; k < constraints.length; k++) {
          const constraint = constraints[(o + a + k) % constraints.length]!;
          const text = constraint ? `${core} ${constraint}` : core;
          const slots = [...text.matchAll(SLOT_NAME)].length;
          if (slots < 2 || slots > 4 || seen.has(text)) continue;
          seen.add(text);
          out.push({ id: `task-${out.length}`, family, text });
          break;
        }
      }
    }
  }
  return out;
}

/** Fills `{name}` slots; `{name2}` differs from `{name}`. */
function fillSlots(rand: Rand, template: string, chosen: Map<string, string> = new Map()): string {
  return template.replace(SLOT_NAME, (_whole, name: string, suffix: string) => {
    const key = name + suffix;
    const values = VOCAB[name];
    if (!values) throw new Error(`no vocabulary for slot {${key}}`);
    let value = pick(rand, values);
    for (let tries = 0; tries < 8 && suffix !== '' && value === chosen.get(name); tries++)
      value = pick(rand, values);
    chosen.set(key, value);
    return value;
  });
}

/** What people add around a request: context before it, or a wish after it. */
const CONTEXT_BEFORE = list(
  'Context: we are a {company_kind}.|We use {db} in production.|Our stack is {language} on {cloud}.|' +
    'This is for {audience}.|My manager asked for this by {deadline}.|This came up in our {meeting}.|' +
    'We are a team of {n}.|Quick one before our {meeting}.|Background: we launched {launch_item} last month.|' +
    'I am preparing for {pres_topic}.|We just moved to {cloud}.|For {project}:|' +
    'I work at a {company_kind} and this is urgent.|Following up on {topic}.',
);
const CONTEXT_AFTER = list(
  'Keep it short.|No jargon, please.|Use {language_variant} spelling.|Be specific and practical.|' +
    'The deadline is {deadline}.|Assume the reader is {level}.|Format the answer as {format}.|' +
    'I have to send this today.|Do not make anything up.|Mention {focus_item} if relevant.|Add a short intro.|' +
    'Avoid buzzwords.|Skip the preamble.|Prioritize {quality}.|Keep our {tone} brand voice.|' +
    'It will be read by {audience}.|Max {length_words} words.|Explain your reasoning briefly.|' +
    'Give me two options.|Use simple words.|Add a TL;DR at the end.|We are on {os}.',
);

function withContext(rand: Rand, text: string): string {
  const r = rand();
  if (r < 0.27) return `${fillSlots(rand, pick(rand, CONTEXT_BEFORE))} ${text}`;
  if (r < 0.5)
    return `${text}${/[.?!]$/.test(text) ? '' : '.'} ${fillSlots(rand, pick(rand, CONTEXT_AFTER))}`;
  if (r < 0.62)
    return `${fillSlots(rand, pick(rand, CONTEXT_BEFORE))} ${text}${/[.?!]$/.test(text) ? '' : '.'} ${fillSlots(rand, pick(rand, CONTEXT_AFTER))}`;
  return text;
}

const lowerFirst = (s: string): string => (/^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

/** How people type the same request: politeness, a question, no final stop. */
function phrase(rand: Rand, core: string, question: boolean): string {
  let text: string;
  const r = rand();
  if (question) {
    if (r < 0.55) text = `${core}?`;
    else if (r < 0.75) text = core;
    else if (r < 0.85) text = `${lowerFirst(core)}?`;
    else if (r < 0.93) text = `Quick question: ${lowerFirst(core)}?`;
    else text = `${core}??`;
  } else if (r < 0.36) text = `${core}.`;
  else if (r < 0.52) text = core;
  else if (r < 0.63) text = `Please ${lowerFirst(core)}.`;
  else if (r < 0.74) text = `Can you ${lowerFirst(core)}?`;
  else if (r < 0.8) text = `Could you ${lowerFirst(core)}?`;
  else if (r < 0.84) text = `Hey, can you ${lowerFirst(core)}?`;
  else if (r < 0.88) text = `pls ${lowerFirst(core)}`;
  else if (r < 0.92) text = `I need you to ${lowerFirst(core)}.`;
  else if (r < 0.96) text = lowerFirst(core);
  else text = `${core}, please.`;
  return text;
}

const thanks = (rand: Rand, text: string): string => {
  const t = rand();
  if (t < 0.07) return `${text} Thanks!`;
  if (t < 0.1) return `${text} Thanks.`;
  if (t < 0.115) return `${text} Thx`;
  if (t < 0.125) return `${text} ty`;
  return text;
};

// ---------------------------------------------------------------------------------------------------
// Pasted material after some task prompts (the pipeline replaces it with a placeholder before embedding).

const IDENT = list(
  'getActiveUsers|parseInvoice|syncOrders|buildReport|retryRequest|normalizeEmail|loadConfig|computeTotals|' +
    'fetchPage|mergeAccounts|validatePayload|applyDiscount|scheduleJob|formatDate|resolveTenant|groupEvents',
);
const FIELDS = list('status|amount|createdAt|userId|total|region|score|price|count|updatedAt|plan|country');

function codePayload(rand: Rand, language: string | undefined): string {
  const fn = pick(rand, IDENT);
  const f1 = pick(rand, FIELDS);
  const f2 = pick(rand, FIELDS);
  const limit = int(rand, 1, 500);
  const lang = (language ?? pick(rand, ['Python', 'TypeScript', 'Go', 'Java'])).toLowerCase();
  const snake = fn.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  let tag: string;
  let body: string;
  if (lang === 'python' || lang === 'ruby' || lang === 'elixir' || lang === 'r' || lang === 'julia') {
    tag = 'python';
    body = `def ${snake}(items, limit=${limit}):\n    out = []\n    for item in items:\n        if item.${f1} and item.${f2} > limit:\n            out.append(item)\n    return sorted(out, key=lambda i: i.${f1})`;
  } else if (lang === 'go' || lang === 'rust' || lang === 'zig') {
    tag = 'go';
    const F = f1[0]!.toUpperCase() + f1.slice(1);
    body = `func ${fn}(items []Item) []Item {\n\tout := make([]Item, 0, len(items))\n\tfor _, it := range items {\n\t\tif it.${F} > ${limit} {\n\t\t\tout = append(out, it)\n\t\t}\n\t}\n\treturn out\n}`;
  } else if (lang === 'java' || lang === 'kotlin' || lang === 'c#' || lang === 'scala' || lang === 'groovy') {
    tag = 'java';
    body = `public List<Item> ${fn}(List<Item> items) {\n    return items.stream()\n        .filter(i -> i.get${f1[0]!.toUpperCase()}${f1.slice(1)}() > ${limit})\n        .collect(Collectors.toList());\n}`;
  } else {
    tag = lang === 'typescript' ? 'ts' : 'js';
    body = `export async function ${fn}(items, limit = ${limit}) {\n  const rows = items.filter((x) => x.${f1} != null && x.${f2} > limit);\n  return rows.map((x) => ({ ...x, ${f1}: String(x.${f1}) }));\n}`;
  }
  return rand() < 0.8 ? `\`\`\`${tag}\n${body}\n\`\`\`` : body;
}

function payloadFor(rand: Rand, kind: PayloadKind, chosen: Map<string, string>, prose: ProsePool): string {
  switch (kind) {
    case 'code':
      return codePayload(rand, chosen.get('language'));
    case 'sql': {
      const table = chosen.get('table') ?? pick(rand, VOCAB.table!);
      return `SELECT ${pick(rand, FIELDS)}, COUNT(*) AS n\nFROM ${table}\nWHERE ${pick(rand, FIELDS)} > ${int(rand, 1, 999)}\nGROUP BY 1\nORDER BY n DESC;`;
    }
    case 'diff': {
      const file = `src/${pick(rand, IDENT)}.${pick(rand, ['ts', 'py', 'go', 'java'])}`;
      return `diff --git a/${file} b/${file}\n@@ -${int(rand, 1, 200)},7 +${int(rand, 1, 200)},9 @@\n-  if (${pick(rand, FIELDS)} == null) return;\n+  if (${pick(rand, FIELDS)} == null) {\n+    log.warn('missing ${pick(rand, FIELDS)}');\n+    return;\n+  }`;
    }
    case 'notes': {
      const lines: string[] = [];
      for (let i = int(rand, 3, 6); i > 0; i--)
        lines.push(
          `- ${pick(rand, VOCAB.team!)}: ${pick(rand, VOCAB.topic!)}, ${pick(rand, VOCAB.focus_item!)} tbd`,
        );
      return lines.join('\n');
    }
    case 'csv': {
      const rows = [`date,${pick(rand, VOCAB.dimension!).replace(/ /g, '_')},value`];
      for (let i = int(rand, 3, 6); i > 0; i--)
        rows.push(
          `2024-0${int(rand, 1, 9)}-1${int(rand, 0, 9)},${pick(rand, VOCAB.market!)},${int(rand, 10, 9999)}`,
        );
      return rows.join('\n');
    }
    case 'document':
      return prose.paragraph(rand, int(rand, 2, 5));
  }
}

// ---------------------------------------------------------------------------------------------------
// awesome-chatgpt-prompts templates, filled by slot name from large vocabularies.

const AWESOME_SLOT = /\$\{([^}:]+)(?::([^}]*))?\}/g;

const GERUNDS = list(
  'reducing|planning|automating|explaining|improving|auditing|migrating|launching|scaling|measuring|' +
    'teaching|pricing|hiring for|budgeting for|documenting|testing|designing|negotiating|forecasting|' +
    'simplifying|securing|localizing|monitoring|onboarding people to|refactoring|marketing|organising|' +
    'benchmarking|prototyping|debugging|restructuring|financing|evaluating|modernising|rebranding|' +
    'streamlining|researching|visualising|supporting|outsourcing',
);
const GERUND_OBJECTS = list(
  'customer churn|a loyalty program|a team offsite|cloud costs|the onboarding flow|a grant proposal|' +
    'a mobile game|a podcast series|a recycling scheme|remote work policies|a farmers market|a charity run|' +
    'a neighbourhood garden|a data warehouse|a coffee subscription|an e-bike rental|a language course|' +
    'a wedding budget|an indie film|a board game cafe|a volunteer program|a solar installation|' +
    'a small bakery|a book club|a hackathon|a photography portfolio|a museum exhibit|a music festival|' +
    'an online store|a vegan menu|a chess club|a cybersecurity policy|a hiking guide|a kids summer camp|' +
    'a hospital shift schedule|a warehouse layout|a returns process|a newsletter|a pet adoption drive|' +
    'a city bike lane plan|a retirement plan|a marathon training block|a home renovation|' +
    'a customer survey|an API launch|a sales playbook|a mentoring scheme|a knowledge base|a recipe blog|' +
    'a tutoring service|a coworking space|a food truck|a zero-waste shop|a travel itinerary|' +
    'a research lab|a job fair|a school fundraiser|a crowdfunding campaign|a medical clinic website|' +
    'a logistics network|a translation agency',
);
const ADJECTIVES = list(
  'remote-first|family-owned|fast-growing|mid-sized|non-profit|open-source|early-stage|regional|' +
    'award-winning|budget-conscious|data-driven|eco-friendly|privacy-focused|customer-facing|' +
    'cross-functional|legacy|cloud-native|multilingual|seasonal|subscription-based|rural|international|' +
    'student-run|bootstrapped|heavily regulated|volunteer-led',
);
const ORGS = list(
  'bakery in Lisbon|fintech startup|hospital network|logistics company|university library|game studio|' +
    'law firm|coffee roastery|city council|insurance broker|bicycle shop|marketing agency|' +
    'software consultancy|yoga studio|hotel chain|farm cooperative|e-commerce platform|museum|dental clinic|' +
    'football club|recruiting team|research lab|travel agency|newsroom|energy utility|car rental service|' +
    'language school|animal shelter|construction firm|payroll provider|brewery|veterinary practice|' +
    'architecture studio|theatre company|credit union|robotics startup',
);
const FIRST = list(
  'Amara|Lukas|Priya|Mateo|Sofia|Kenji|Olivia|Tomasz|Fatima|Noah|Ingrid|Diego|Mei|Oscar|Leila|Rafael|' +
    'Hannah|Kwame|Elena|Arjun|Chloe|Yusuf|Greta|Daniel|Aiko|Marco|Zara|Felix|Nadia|Samuel',
);
const LAST = list(
  'Okafor|Schmidt|Raman|Silva|Rossi|Tanaka|Brown|Kowalski|Haddad|Lindqvist|Moreno|Chen|Novak|Dubois|' +
    'Mensah|Petrov|Garcia|Kim|Andersen|Costa|Nakamura|Byrne|Fischer|Yilmaz|Das|Murphy|Laurent|Ivanova',
);
const PLACES = list(
  'Lisbon|Nairobi|Kyoto|Montreal|Valparaíso|Tbilisi|Edinburgh|Hanoi|Cape Town|Reykjavik|Oaxaca|Bergen|' +
    'Marrakesh|Seville|Ljubljana|Chiang Mai|Porto|Krakow|Melbourne|Cusco|Istanbul|Copenhagen|Bogotá|' +
    'Tallinn|Vancouver|Naples|Busan|Dubrovnik|Zanzibar|Quebec City|Hoi An|Salzburg|Cartagena|Tromsø|' +
    'Bruges|Kraków Old Town|the Scottish Highlands|the Amalfi Coast|Patagonia|the Atacama Desert',
);
const COUNTRIES = list(
  'Portugal|Kenya|Japan|Canada|Chile|Georgia|Scotland|Vietnam|South Africa|Iceland|Mexico|Norway|' +
    'Morocco|Spain|Slovenia|Thailand|Poland|Australia|Peru|Turkey|Denmark|Colombia|Estonia|Italy|' +
    'South Korea|Croatia|Tanzania|Austria|Argentina|New Zealand|Ghana|Finland|Brazil|India|Ireland',
);
const TECH = list(
  'React|Vue|Django|FastAPI|Spring Boot|Rails|Next.js|Flutter|Kubernetes|Terraform|PostgreSQL|MongoDB|' +
    'Kafka|Redis|Svelte|Laravel|NestJS|Express|TensorFlow|PyTorch|Unity|Godot|AWS Lambda|Azure Functions|' +
    'Google Cloud Run|Supabase|Firebase|Elasticsearch|Snowflake|dbt|Airflow|Tailwind CSS|SwiftUI|' +
    'Jetpack Compose|Deno|Bun|Astro|Remix|Phoenix|ASP.NET Core',
);
const STYLES = list(
  'minimalist|playful|formal|noir|retro 80s|watercolor|cyberpunk|academic|whimsical|corporate|' +
    'warm and friendly|dry and witty|cinematic|Scandinavian|brutalist|art deco|cozy|moody|vibrant|' +
    'hand-drawn|vintage|futuristic|bold and punchy|calm and reassuring|sarcastic',
);
const INDUSTRIES = list(
  'healthcare|fintech|logistics|retail|education|renewable energy|hospitality|insurance|real estate|' +
    'agriculture|automotive|telecom|media|gaming|biotech|legal services|manufacturing|fashion|' +
    'public sector|cybersecurity|construction|aviation|food delivery|pharmaceuticals|sports',
);
const PRODUCT_PREFIX = list(
  'North|Blue|Bright|Quiet|Swift|Iron|Silver|Green|Open|Nimbus|Cedar|Atlas|Pixel|Harbor|Lumen|Orbit|Maple|Nova',
);
const PRODUCT_SUFFIX = list(
  'desk|flow|hub|board|path|stack|works|ly|base|cast|grid|lane|mint|forge|loop|nest|scope|sync',
);
const FOODS = list(
  'ramen|tiramisu|shakshuka|pad thai|paella|banh mi|falafel wrap|mushroom risotto|lemon tart|pho|' +
    'bibimbap|croissant|tacos al pastor|butter chicken|poke bowl|sourdough loaf|pierogi|churros|' +
    'green curry|cheesecake|gnocchi|dumplings|ceviche|moussaka|apple pie',
);
const ANIMALS = list(
  'red fox|snow leopard|hummingbird|octopus|axolotl|grizzly bear|barn owl|sea turtle|wolf|hedgehog|' +
    'manta ray|lynx|otter|chameleon|elephant|puffin|koala|jaguar|bison|peacock',
);
const GENRES = list(
  'sci-fi|mystery|romance|horror|fantasy|historical fiction|thriller|comedy|documentary|western|' +
    'folk|jazz|lo-fi hip hop|synthwave|indie rock|bossa nova|drama|noir|satire|adventure',
);

const topicValue = (rand: Rand): string => {
  const base = `${pick(rand, GERUNDS)} ${pick(rand, GERUND_OBJECTS)}`;
  return rand() < 0.45 ? `${base} for a ${pick(rand, ADJECTIVES)} ${pick(rand, ORGS)}` : base;
};

/** A value for an awesome-chatgpt-prompts slot, chosen by the slot's name. */
function awesomeValue(rand: Rand, slotName: string): string {
  const n = slotName.toLowerCase();
  if (/lang/.test(n))
    return /program|code|coding/.test(n) ? pick(rand, VOCAB.language!) : pick(rand, VOCAB.human_language!);
  if (/framework|library|stack|technolog|tech\b|platform|environment|database|cloud|tool/.test(n))
    return pick(rand, TECH);
  if (/country|region|culture|market|nation/.test(n)) return pick(rand, COUNTRIES);
  if (/city|location|destination|place|landmark|venue/.test(n)) return pick(rand, PLACES);
  if (/company|brand|business|organi[sz]ation|startup|university|school|team|employer|client/.test(n))
    return `${pick(rand, PRODUCT_PREFIX)}${pick(rand, PRODUCT_SUFFIX)} ${pick(rand, ['Labs', 'Group', 'Studio', 'Partners', 'Health', 'Logistics', 'Bank', 'Academy', 'Foods', 'Systems'])}`;
  if (/project|app|product|repo|game|service|website|site/.test(n) && !/url|link/.test(n))
    return `${pick(rand, PRODUCT_PREFIX)}${pick(rand, PRODUCT_SUFFIX)}`;
  if (/name|person|author|character|footballer|player|artist|celebrity|user|owner|speaker|host/.test(n))
    return `${pick(rand, FIRST)} ${pick(rand, LAST)}`;
  if (/audience|reader|customer|persona|demographic|role|position|job|title|profession|occupation/.test(n))
    return rand() < 0.5 ? pick(rand, VOCAB.role!) : pick(rand, VOCAB.target_segment!);
  if (/industry|sector|domain|field|niche/.test(n)) return pick(rand, INDUSTRIES);
  if (/tone|style|mood|voice|aesthetic|vibe|visual/.test(n)) return pick(rand, STYLES);
  if (/date|year|deadline|\bday\b/.test(n))
    return `${pick(rand, ['March', 'June', 'September', 'November', 'January'])} ${int(rand, 1, 28)}, ${int(rand, 2024, 2027)}`;
  if (/budget|price|cost|salary|amount|revenue/.test(n)) return `$${int(rand, 2, 95) * 500}`;
  if (/duration|time|minutes|seconds|days|weeks|hours/.test(n))
    return `${int(rand, 2, 90)} ${pick(rand, ['minutes', 'days', 'weeks'])}`;
  if (/length|count|number|size|age|level|limit|amount|_count/.test(n)) return String(int(rand, 2, 400));
  if (/url|website|link/.test(n))
    return `https://${pick(rand, PRODUCT_PREFIX).toLowerCase()}${pick(rand, PRODUCT_SUFFIX)}.example.com`;
  if (/food|dish|ingredient|recipe|meal/.test(n)) return pick(rand, FOODS);
  if (/animal|pet|creature/.test(n)) return pick(rand, ANIMALS);
  if (/genre/.test(n)) return pick(rand, GENRES);
  if (/gender/.test(n)) return pick(rand, ['man', 'woman', 'person', 'young woman', 'older man']);
  return topicValue(rand);
}

interface AwesomeTemplate {
  label: string;
  prompt: string;
}

/** A slot name that is a user's slot, not a template literal in pasted code (`${response.status}`). */
const userSlot = (name: string): boolean => !/[.()[\]'"`=<>]/.test(name) && name.trim().length <= 40;

function fillAwesome(rand: Rand, prompt: string): string {
  return prompt.replace(AWESOME_SLOT, (whole, name: string, fallback: string | undefined) => {
    if (!userSlot(name)) return whole;
    if (fallback !== undefined && fallback.trim() !== '' && rand() < 0.15) return fallback;
    return awesomeValue(rand, name.trim());
  });
}

// ---------------------------------------------------------------------------------------------------
// The real prompts, as sentences, for the one-offs and for pasted documents.

interface Sentence {
  text: string;
  prompt: number;
  words: number;
  latin: boolean;
}

/** Sentences that can open a request on their own (when the keep/drop filter agrees). */
const LEAD =
  /^(?:please |can you |could you |would you |now |so )?(?:write|create|generate|explain|summari[sz]e|translate|list|describe|give|make|design|build|compare|analy[sz]e|suggest|provide|draft|compose|help|tell|find|implement|convert|rewrite|improve|identify|outline|plan|propose|recommend|evaluate|calculate|show|act|pretend|imagine|develop|prepare|teach|define|brainstorm|what|why|how|which|who|when|where|is there|are there|is it|i need|i want|i'd like|i would like|i am looking|i'm looking|i am trying|i'm trying|you are|you will|your task|as an?|using|given|assume|consider|determine|solve|prove|estimate|produce|code|fix|optimi[sz]e)\b/i;
const PROSE_BAD = /[`{}<>|\\]|^[-*#\d(]|https?:|\$\{|[=;]\s*$|^\W/;
/** Code, identifiers and shouted headings are not prose. */
const CODE_ISH =
  /\w\(|\)\s*:|\w_\w|==|=>|::|\w\.\w+\(|^(?:if|def|for|while|return|import|from|class|print|elif|else|try|except|const|let|var|function|public|private)\b|\b[A-Z]{2,}(?:\s+[A-Z&]{2,}){2,}/;

/** Where a request splits into its opening and its content ("Write a function | that…"). */
const JOINS = list('that|about|for|to|of|on|which|with|in|from|using|where|when|between').map(
  (j) => ` ${j} `,
);
const QUESTION_OPENING = /^(?:what|why|how|which|who|when|where|is|are|can|could|should|do|does)\b/i;
/** Mostly Latin script: sentences are only mixed with sentences of the same script. */
const latin = (text: string): boolean =>
  (text.match(/[A-Za-z]/g)?.length ?? 0) >= text.replace(/[\s\d\p{P}\p{S}]/gu, '').length * 0.9;

/** A content of 3 to 16 words: cut at its first clause boundary when longer; undefined when it cannot be. */
function shortClause(content: string): string | undefined {
  let words = wordCount(content);
  if (words > 16) {
    const cut = /(?:,|;| and | but | so | because | while | which | where )/.exec(content.slice(20));
    if (!cut) return undefined;
    content = content.slice(0, 20 + cut.index);
    words = wordCount(content);
  }
  return words >= 3 && words <= 16 ? content : undefined;
}

interface Piece {
  text: string;
  prompt: number;
}

/** Items handed out in a shuffled round, so that each is reused as little as possible. */
class Rotation<T> {
  private next = 0;
  constructor(private readonly items: T[]) {}
  get size(): number {
    return this.items.length;
  }
  take(): T | undefined {
    if (this.items.length === 0) return undefined;
    const item = this.items[this.next]!;
    this.next = (this.next + 1) % this.items.length;
    return item;
  }
}

class ProsePool {
  readonly sentences: Sentence[] = [];
  readonly byPrompt: number[][] = [];
  readonly leads: number[] = [];
  /** Per join word: the openings of request sentences and the contents of any sentence that split there. */
  private readonly openings = new Map<string, Piece[]>();
  private readonly contents = new Map<string, Piece[]>();
  private readonly chain = new Map<string, [word: string, prompt: number][]>();
  private readonly leadStarts: string[] = [];
  private readonly anyStarts: string[] = [];
  private contentRounds = new Map<string, Rotation<Piece>>();
  private openingRounds = new Map<string, Rotation<Piece>>();
  private contentWeights: [string, number][] = [];
  private promptRounds: Rotation<number>[] = [];
  private latinRound = new Rotation<number>([]);
  private contextUses = new Uint8Array(0);
  private contextCap = 1;

  constructor(prompts: readonly string[]) {
    for (const [p, prompt] of prompts.entries()) {
      const ids: number[] = [];
      for (const raw of prompt.split(/(?<=[.!?])\s+|\n+/)) {
        const text = raw.trim().replace(/\s+/g, ' ');
        const words = wordCount(text);
        if (words < 4 || words > 70 || PROSE_BAD.test(text) || CODE_ISH.test(text) || !/^\p{L}/u.test(text))
          continue;
        if (!/[.!?:)"”]$/.test(text) && words > 12) continue; // a line cut short, a heading
        if ((text.match(/"/g)?.length ?? 0) % 2 === 1) continue; // a quote cut in two
        const id = this.sentences.length;
        const isLatin = latin(text);
        this.sentences.push({ text, prompt: p, words, latin: isLatin });
        ids.push(id);
        const lead = LEAD.test(text) && words >= 5 && words <= 60 && classifyMessage(text).kept;
        if (lead) this.leads.push(id);
        if (isLatin) this.split(text, p, lead);
        this.learn(text, p, lead);
      }
      this.byPrompt.push(ids);
    }
  }

  /** Shuffles the rounds that hand out contents and context sentences. */
  prepare(rand: Rand): void {
    for (const [join, pieces] of this.contents) {
      if ((this.openings.get(join)?.length ?? 0) < 20) continue;
      this.contentRounds.set(join, new Rotation(shuffle(rand, [...pieces])));
      this.openingRounds.set(join, new Rotation(shuffle(rand, [...this.openings.get(join)!])));
      this.contentWeights.push([join, pieces.length]);
    }
    this.contextUses = new Uint8Array(this.sentences.length);
    this.promptRounds = this.byPrompt.map((ids) => new Rotation(shuffle(rand, [...ids])));
    this.latinRound = new Rotation(
      shuffle(
        rand,
        this.sentences.flatMap((s, id) => (s.latin ? [id] : [])),
      ),
    );
  }

  /** Where the sentence first splits: the opening (of a request, if short) before, the content after. */
  private split(text: string, prompt: number, lead: boolean): void {
    const body = text.replace(/[.!?:]+$/, '');
    let best = -1;
    let join = '';
    for (const j of JOINS) {
      const i = body.indexOf(j);
      if (i > 0 && (best < 0 || i < best)) [best, join] = [i, j];
    }
    if (best < 0) return;
    const opening = body.slice(0, best);
    const content = shortClause(body.slice(best + join.length));
    const openingWords = wordCount(opening);
    if (content === undefined || openingWords < 2) return;
    const add = (map: Map<string, Piece[]>, piece: Piece): void => {
      const list = map.get(join);
      if (list) list.push(piece);
      else map.set(join, [piece]);
    };
    // A long opening reused would make near-duplicates.
    if (lead && openingWords <= 8) add(this.openings, { text: opening, prompt });
    add(this.contents, { text: content, prompt });
  }

  private learn(text: string, prompt: number, lead: boolean): void {
    const w = text.split(' ');
    if (w.length < 3) return;
    const start = `${w[0]} ${w[1]}`;
    this.anyStarts.push(start);
    if (lead) this.leadStarts.push(start);
    for (let i = 0; i + 2 <= w.length; i++) {
      const key = `${w[i]} ${w[i + 1]}`;
      const next: [string, number] = [w[i + 2] ?? '\u0000', prompt];
      const bucket = this.chain.get(key);
      if (bucket) bucket.push(next);
      else this.chain.set(key, [next]);
    }
  }

  /**
   * A new request: the opening of one real request with the content of another sentence split at the
   * same word ("Write a Python script that" + "lists the files changed in the last commit"). Contents
   * are handed out in rounds, so each is reused as little as possible. Returns the request and the
   * prompt its content came from.
   */
  recombined(rand: Rand): Piece {
    let r = rand() * this.contentWeights.reduce((a, [, w]) => a + w, 0);
    let join = this.contentWeights[0]![0];
    for (const [j, w] of this.contentWeights) {
      join = j;
      if ((r -= w) < 0) break;
    }
    const opening = this.openingRounds.get(join)!.take()!;
    const round = this.contentRounds.get(join)!;
    let content = round.take()!;
    for (let tries = 0; tries < 3 && content.prompt === opening.prompt; tries++) content = round.take()!;
    const end = QUESTION_OPENING.test(opening.text) ? '?' : '.';
    return { text: `${opening.text}${join}${content.text}${end}`, prompt: content.prompt };
  }

  /**
   * `count` context sentences: of one prompt when it has sentences no context used yet, else of any
   * Latin-script prompt; each sentence is used as seldom as possible (once, until all have been).
   */
  context(count: number, prompt?: number): string[] {
    const out: string[] = [];
    const take = (round: Rotation<number>, cap: number): void => {
      for (let i = 0; i < round.size && out.length < count; i++) {
        const id = round.take()!;
        const s = this.sentences[id]!;
        if (this.contextUses[id]! >= cap || s.text.endsWith(':')) continue;
        this.contextUses[id]!++;
        out.push(s.text);
      }
    };
    if (prompt !== undefined) take(this.promptRounds[prompt]!, 1);
    if (out.length < count) take(this.latinRound, this.contextCap);
    if (out.length < count) {
      this.contextCap++; // every sentence has been used as often: one more use each
      take(this.latinRound, this.contextCap);
    }
    return out;
  }

  /**
   * A new sentence from the word-pair chain, starting like a request (or like any sentence), and the
   * prompt its last words came from.
   */
  markovSentence(rand: Rand, lead: boolean, maxWords = 40): Piece | undefined {
    const start = pick(rand, lead ? this.leadStarts : this.anyStarts);
    const out = start.split(' ');
    let key = start;
    let prompt = -1;
    for (;;) {
      const bucket = this.chain.get(key);
      if (!bucket) break;
      const [next, from] = pick(rand, bucket);
      if (next === '\u0000') break;
      out.push(next);
      prompt = from;
      if (out.length > maxWords) return undefined; // rambling: try again
      key = `${out[out.length - 2]} ${next}`;
    }
    const text = out.join(' ');
    return /[.!?]$/.test(text) && out.length >= 5 && prompt >= 0 ? { text, prompt } : undefined;
  }

  /** A few consecutive sentences of a random real prompt, for a pasted document. */
  paragraph(rand: Rand, count: number): string {
    const ids = this.byPrompt[Math.floor(rand() * this.byPrompt.length)]!;
    const from = Math.floor(rand() * ids.length);
    const text = ids
      .slice(from, from + count)
      .map((id) => this.sentences[id]!.text)
      .join(' ');
    return text || this.sentences[Math.floor(rand() * this.sentences.length)]!.text;
  }
}

// Named entities and numbers swapped in one-offs, so a reused sentence reads differently.
const SWAPS: string[][] = [
  list(
    'Python|JavaScript|TypeScript|Java|Rust|Kotlin|Ruby|PHP|Swift|Scala|Haskell|Elixir|Julia|Perl|Lua|Dart',
  ),
  list(
    'Spanish|French|German|Italian|Portuguese|Dutch|Polish|Japanese|Korean|Chinese|Arabic|Hindi|Turkish|Swedish|Russian|Greek',
  ),
  list(
    'London|Paris|Berlin|Tokyo|Madrid|Rome|Sydney|Toronto|Chicago|Boston|Seattle|Amsterdam|Dublin|Vienna|Prague|Oslo|Lisbon|Singapore|Mumbai|Nairobi',
  ),
  list(
    'France|Germany|Italy|Spain|Canada|Brazil|Mexico|India|Japan|China|Australia|Sweden|Norway|Kenya|Egypt|Argentina|Poland|Ireland|Portugal|Chile',
  ),
  list(
    'John|Mary|Alice|Bob|Sarah|David|Emma|James|Anna|Michael|Laura|Peter|Maria|Tom|Lisa|Paul|Kate|Mark|Julia|Alex',
  ),
  list('React|Vue|Angular|Django|Flask|Rails|Laravel|Svelte|Express|Spring|FastAPI|Flutter'),
  list(
    'Google|Amazon|Microsoft|Apple|Netflix|Spotify|Tesla|Uber|Airbnb|Shopify|Stripe|Salesforce|Oracle|IBM|Adobe',
  ),
  list('Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday'),
  list('January|February|March|April|June|July|August|September|October|November|December'),
];
const SWAP_CLASS = new Map<string, string[]>();
for (const group of SWAPS) for (const word of group) SWAP_CLASS.set(word, group);
const SWAP_RE = new RegExp(
  `(?<![\\w.])(?:${[...SWAP_CLASS.keys()].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')}|[1-9]\\d{0,3})(?![\\w.,]\\d|\\w)`,
  'g',
);

function swapEntities(rand: Rand, text: string): string {
  return text.replace(SWAP_RE, (match) => {
    if (rand() < 0.25) return match;
    const group = SWAP_CLASS.get(match);
    if (group) return pick(rand, group);
    const digits = match.length;
    return String(int(rand, digits === 1 ? 2 : 10 ** (digits - 1), 10 ** digits - 1));
  });
}

// ---------------------------------------------------------------------------------------------------
// One-offs must not instantiate a task template: the same literal opening (4 words or more), or the
// whole text matching a template with its slots as wildcards.

const POLITE = /^(?:please|pls|hey,? can you|can you|could you|would you|i need you to|quick question:)\s+/i;
const normal = (text: string): string =>
  text
    .toLowerCase()
    .replace(POLITE, '')
    .replace(/[\s.!?,]+(?:thanks!?|thx|ty)?[\s.!?]*$/i, '')
    .trim();

class TemplateGuard {
  private readonly heads = new Set<string>();
  private readonly byFirst = new Map<string, { literals: string[]; re: RegExp }[]>();

  constructor(templates: readonly TaskTemplate[]) {
    for (const t of templates) {
      const lower = t.text.toLowerCase();
      const literal = lower.split('{')[0]!.trim().split(/\s+/);
      if (literal.length >= 4) this.heads.add(literal.slice(0, 4).join(' '));
      const literals = lower.split(/\{[a-z_]+\d?\}/);
      const re = new RegExp(
        `^${literals.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+?')}$`,
        's',
      );
      const first = lower.split(/\s+/)[0]!;
      const list = this.byFirst.get(first) ?? [];
      list.push({ literals: literals.map((l) => l.trim()).filter(Boolean), re });
      this.byFirst.set(first, list);
    }
  }

  /** Whether the text opens like a template, or its first sentence is an instance of one. */
  instantiates(text: string): boolean {
    const n = normal(text);
    const w = n.split(/\s+/, 4);
    if (this.heads.has(w.join(' '))) return true;
    const candidates = this.byFirst.get(w[0] ?? '');
    if (!candidates) return false;
    const first = normal(n.split(/(?<=[.!?])\s+|\n/, 1)[0]!);
    return candidates.some((c) => c.literals.every((l) => first.includes(l)) && c.re.test(first));
  }
}

// ---------------------------------------------------------------------------------------------------

/** Zipf-like pattern sizes: a few patterns with hundreds of instances, many with a handful (at least 2). */
function zipfSizes(total: number, k: number): number[] {
  const weights = Array.from({ length: k }, (_, i) => 1 / Math.pow(i + 30, 2));
  const sum = weights.reduce((a, b) => a + b, 0);
  const spare = total - 2 * k;
  const sizes = weights.map((w) => 2 + Math.floor((spare * w) / sum));
  let rest = total - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % k, rest--) sizes[i]!++;
  return sizes;
}

function readPrompts(promptsDir: string): { real: string[]; awesome: AwesomeTemplate[] } {
  const files = ['arena-hard-v0.1.jsonl', 'arena-hard-v2.0.jsonl', 'awesome-chatgpt-prompts.csv'];
  const missing = files.filter((f) => !existsSync(join(promptsDir, f)));
  if (missing.length > 0)
    throw new Error(
      `promptCorpus needs the real prompt sets in ${resolve(promptsDir)} (../shared/corpora/prompts: ` +
        `${files.join(', ')}); missing: ${missing.join(', ')}`,
    );
  const real: string[] = [];
  for (const file of files.slice(0, 2))
    for (const line of readFileSync(join(promptsDir, file), 'utf8').split('\n'))
      if (line.trim()) real.push((JSON.parse(line) as { prompt: string }).prompt);
  const rows = parse<{ prompt: string }>(readFileSync(join(promptsDir, 'awesome-chatgpt-prompts.csv')), {
    columns: true,
  });
  const awesome: AwesomeTemplate[] = [];
  const seen = new Set<string>();
  for (const [i, row] of rows.entries()) {
    if (seen.has(row.prompt)) continue;
    seen.add(row.prompt);
    const slots = [...row.prompt.matchAll(AWESOME_SLOT)].filter((m) => userSlot(m[1]!));
    // Templated prompts are patterns; their words stay out of the one-offs.
    if (slots.length > 0) awesome.push({ label: `awesome-${i}`, prompt: row.prompt.trim() });
    else if (!row.prompt.includes('${')) real.push(row.prompt);
  }
  return { real, awesome };
}

/** What the pipeline would keep as a candidate and store unchanged. */
const usable = (text: string): boolean => classifyMessage(text).kept && redactText(text).text === text;

/**
 * Task prompts are built from parts checked here once (every slot value, every context sentence,
 * every template plain and polite), so that their instances need no check of their own; pasted
 * material is checked with each instance.
 */
function checkTaskParts(templates: readonly TaskTemplate[]): void {
  const bad: string[] = [];
  const check = (text: string): void => {
    if (!usable(text)) bad.push(text);
  };
  for (const values of Object.values(VOCAB)) for (const v of values) check(`Write about ${v}.`);
  const sample = (t: string): string => t.replace(SLOT_NAME, (_w, name: string) => VOCAB[name]![0]!);
  for (const c of [...CONTEXT_BEFORE, ...CONTEXT_AFTER]) check(`${sample(c)} Write a summary.`);
  for (const t of templates) {
    const core = sample(t.text);
    for (const text of [core, `Please ${lowerFirst(core)}.`, lowerFirst(core), `${core} Thanks!`])
      check(text);
  }
  if (bad.length > 0)
    throw new Error(`task prompt parts the pipeline would drop or redact: ${bad.slice(0, 5).join(' | ')}`);
}

/**
 * A labelled set of `size` chat prompts: `patternShare` of them instantiate recurring patterns
 * (awesome-chatgpt-prompts templates and task templates, Zipf-sized, ~5% of them re-pasted verbatim),
 * the rest are distinct one-offs (label null) derived from the real prompts in `promptsDir`.
 */
export function promptCorpus(promptsDir: string, options: PromptCorpusOptions = {}): CorpusItem[] {
  const { size = 100_000, seed = 1, patternShare = 0.55 } = options;
  if (!Number.isInteger(size) || size < 0)
    throw new Error(`size must be a non-negative integer, got ${size}`);
  if (!(patternShare >= 0 && patternShare <= 1))
    throw new Error(`patternShare must be in [0, 1], got ${patternShare}`);
  const rand = seededRandom(seed);
  const { real, awesome: allAwesome } = readPrompts(promptsDir);
  const prose = new ProsePool(real);
  prose.prepare(rand);
  const tasks = taskTemplates();
  checkTaskParts(tasks);
  const guard = new TemplateGuard(tasks);
  const texts = new Set<string>();
  const items: CorpusItem[] = [];

  // --- Patterns.
  const patternItems = Math.round(size * patternShare);
  const duplicates = Math.round(patternItems * 0.05);
  const distinct = patternItems - duplicates;
  // awesome-chatgpt-prompts templates are long: a tenth of the pattern instances.
  const awesomeTotal = Math.round(distinct * 0.1);
  const taskTotal = distinct - awesomeTotal;

  const awesomeOk = allAwesome.filter((t) => {
    const probe = fillAwesome(seededRandom(7), t.prompt);
    return wordCount(probe) <= 270 && usable(probe);
  });
  const kTask = Math.min(tasks.length, Math.max(1, Math.round(taskTotal / 25)), Math.floor(taskTotal / 2));
  const kAwesome = Math.min(
    awesomeOk.length,
    Math.max(1, Math.round(awesomeTotal / 15)),
    Math.floor(awesomeTotal / 2),
  );
  const taskPick = shuffle(rand, [...tasks]).slice(0, kTask);
  const awesomePick = shuffle(rand, [...awesomeOk]).slice(0, kAwesome);

  const patternStart = items.length;
  /** False when the template's fills keep failing (no template does today): it has no more instances. */
  const addInstance = (label: string, make: () => string, checked = false): boolean => {
    for (let tries = 0; tries < 30; tries++) {
      const text = make();
      if (texts.has(text) || (!checked && !usable(text))) continue;
      texts.add(text);
      items.push({ text, label });
      return true;
    }
    return false;
  };
  if (kTask > 0) {
    const sizes = zipfSizes(taskTotal, kTask);
    for (const [i, t] of taskPick.entries()) {
      const payloadRate = t.family.payload ? 0.2 : 0;
      for (let j = 0; j < sizes[i]!; j++) {
        // Without pasted material, an instance is made of parts checked once (checkTaskParts); a
        // question is checked whole, as the filter reads a question's context too.
        const pasted = t.family.payload !== undefined && rand() < payloadRate;
        const added = addInstance(
          t.id,
          () => {
            const chosen = new Map<string, string>();
            const core = fillSlots(rand, t.text, chosen);
            const text = thanks(rand, withContext(rand, phrase(rand, core, t.family.question === true)));
            if (!pasted) return text;
            const payload = payloadFor(rand, t.family.payload!, chosen, prose);
            return rand() < 0.7
              ? `${text.replace(/[.?!]*\s*(?:Thanks[.!]?|Thx|ty)?$/, '')}:\n${payload}`
              : `${text}\n\n${payload}`;
          },
          !pasted && t.family.question !== true,
        );
        if (!added) break;
      }
    }
  }
  if (kAwesome > 0) {
    const sizes = zipfSizes(awesomeTotal, kAwesome);
    for (const [i, t] of awesomePick.entries())
      for (let j = 0; j < sizes[i]! && addInstance(t.label, () => fillAwesome(rand, t.prompt)); j++);
  }
  // Re-pasted prompts: verbatim copies of pattern instances.
  const originals = items.length - patternStart;
  for (let d = 0; d < duplicates && originals > 0; d++) {
    const original = items[patternStart + Math.floor(rand() * originals)]!;
    items.push({ text: original.text, label: original.label });
  }

  // --- One-offs. A real request sentence opens at most one of them: an excerpt (it and what followed
  // it in its prompt) or a mix (it with sentences of other prompts). Most one-offs are new requests,
  // recombined from the openings and contents of real ones, or made by the word chain, with real
  // sentences around them; entities and numbers are swapped in most.
  const oneOffs = size - items.length;
  const leads = shuffle(rand, [...prose.leads]);
  let excerptCursor = 0;
  let mixCursor = leads.length - 1;
  const sentence = (id: number): Sentence => prose.sentences[id]!;

  const inExcerpt = new Set<number>();
  const excerpt = (target: number): string[] | undefined => {
    let lead = leads[excerptCursor++];
    while (lead !== undefined && inExcerpt.has(lead)) lead = leads[excerptCursor++];
    if (lead === undefined) return undefined;
    const ids = prose.byPrompt[sentence(lead).prompt]!;
    const parts: string[] = [];
    let words = 0;
    // Sentences of one excerpt are in no other, so that two excerpts never overlap.
    for (let k = ids.indexOf(lead); k < ids.length && words < target && !inExcerpt.has(ids[k]!); k++) {
      inExcerpt.add(ids[k]!);
      parts.push(sentence(ids[k]!).text);
      words += sentence(ids[k]!).words;
    }
    return parts;
  };
  const mix = (target: number): string[] | undefined => {
    let lead = leads[mixCursor--];
    while (lead !== undefined && inExcerpt.has(lead)) lead = leads[mixCursor--];
    if (lead === undefined || !sentence(lead).latin) return undefined;
    inExcerpt.add(lead);
    const own = sentence(lead);
    const context = prose.context(Math.max(1, Math.round((target - own.words) / 12)));
    return rand() < 0.6 ? [own.text, ...context] : [...context, own.text];
  };
  const recombined = (target: number): string[] => {
    const request = prose.recombined(rand);
    const words = wordCount(request.text);
    if (words >= target * 0.8) return [request.text];
    // Context from the prompt the content came from: it is about the same thing.
    const context = prose.context(Math.max(1, Math.round((target - words) / 12)), request.prompt);
    return rand() < 0.5 ? [...context, request.text] : [request.text, ...context];
  };
  const markov = (target: number): string[] | undefined => {
    const request = prose.markovSentence(rand, true);
    if (request === undefined) return undefined;
    const words = wordCount(request.text);
    if (words >= target * 0.8) return [request.text];
    // Context from the prompt the request ends in.
    const context = prose.context(Math.max(1, Math.round((target - words) / 12)), request.prompt);
    return rand() < 0.4 ? [...context, request.text] : [request.text, ...context];
  };
  /** Whole sentences, about `target` words of them (the first always), at most 300 words. */
  const fit = (parts: readonly string[], target: number): string => {
    const out: string[] = [];
    let words = 0;
    for (const p of parts) {
      const w = wordCount(p);
      if (out.length > 0 && words + w > target * 1.3 + 5) break;
      out.push(p);
      words += w;
    }
    const text = out.join(rand() < 0.85 ? ' ' : '\n');
    return words > 300 ? (/^(?:\s*\S+){300}/.exec(text)?.[0] ?? text) : text;
  };

  let made = 0;
  for (let attempts = 0; made < oneOffs; attempts++) {
    if (attempts > oneOffs * 20 + 1000) throw new Error(`could not make ${oneOffs} distinct one-offs`);
    const target = oneOffLength(rand);
    const r = rand();
    const parts =
      (r < 0.06 ? excerpt(target) : r < 0.11 ? mix(target) : r < 0.8 ? undefined : markov(target)) ??
      recombined(target);
    let text = fit(parts, target);
    if (rand() < 0.6) text = swapEntities(rand, text);
    text = text.trim();
    if (wordCount(text) < 4 || texts.has(text) || guard.instantiates(text) || !usable(text)) continue;
    texts.add(text);
    items.push({ text, label: null });
    made++;
  }
  return shuffle(rand, items);
}

// ---------------------------------------------------------------------------------------------------
// CLI: an OpenAI chat JSONL export and the labels by SHA-256 of each text.

const REPLIES = list(
  'Sure, here is a first version.|Here you go.|Done, see below.|Here is a draft you can adapt.|' +
    'Good question. Short answer: it depends on the setup; details below.|Here are a few options.|' +
    'Happy to help. Here is what I would do.|Here is the result.|Below is a suggestion.|' +
    'Here is a cleaned-up version.|OK, here is a summary.|Here is one way to do it.',
);

export function writeCorpus(
  outDir: string,
  items: readonly CorpusItem[],
  seed = 1,
): { conversations: number } {
  mkdirSync(outDir, { recursive: true });
  const rand = seededRandom(seed ^ 0x5bd1e995);
  const lines: string[] = [];
  for (let i = 0; i < items.length;) {
    const turns = int(rand, 1, 6);
    const messages: { role: string; content: string }[] = [];
    for (const item of items.slice(i, i + turns))
      messages.push(
        { role: 'user', content: item.text },
        { role: 'assistant', content: pick(rand, REPLIES) },
      );
    lines.push(JSON.stringify({ id: `pc-${seed}-${items.length}-${lines.length}`, messages }));
    i += turns;
  }
  writeFileSync(join(outDir, 'export.jsonl'), lines.join('\n') + '\n');
  const labels: Record<string, string | null> = {};
  for (const item of items) labels[sha256Hex(item.text)] = item.label;
  writeFileSync(join(outDir, 'labels.json'), JSON.stringify(labels) + '\n');
  return { conversations: lines.length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      'pattern-share': { type: 'string', default: '0.55' },
      prompts: { type: 'string', default: resolve(import.meta.dirname, '../../../shared/corpora/prompts') },
      out: { type: 'string' },
    },
  });
  if (!values.out) {
    console.error(
      'usage: node --import tsx bench/generate/prompt-corpus.ts --size N --out DIR [--seed S] [--pattern-share F] [--prompts DIR]',
    );
    process.exit(2);
  }
  const started = performance.now();
  const seed = Number(values.seed);
  const items = promptCorpus(values.prompts, {
    size: Number(values.size),
    seed,
    patternShare: Number(values['pattern-share']),
  });
  const generated = performance.now();
  const { conversations } = writeCorpus(values.out, items, seed);
  const patterns = new Set(items.map((i) => i.label).filter((l) => l !== null)).size;
  console.log(
    `${items.length} prompts (${patterns} patterns, ${items.filter((i) => i.label === null).length} one-offs) in ` +
      `${conversations} conversations: ${join(values.out, 'export.jsonl')}, ${join(values.out, 'labels.json')} ` +
      `(generated in ${((generated - started) / 1000).toFixed(1)} s, written in ${((performance.now() - generated) / 1000).toFixed(1)} s)`,
  );
}
