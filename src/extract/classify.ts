import { instructionText } from './instruction.js';
import { separateMaterial, type SeparatedPrompt } from './materials.js';

/*
 * Which user messages are prompts worth mining: a request for work or an answer that would make sense
 * as a reusable prompt. Team chats are mostly other things (acknowledgements, greetings, status
 * updates, scheduling, social talk, pastes without a word), so a message is kept for a positive sign
 * (an imperative, a request, a question about something) and dropped otherwise. The rules are
 * measured against a hand-labelled set (test/fixtures/extract/labelled, BENCHMARKS.md).
 */

/** Why a message was kept as a candidate prompt or dropped: stored per message so the filter can be audited. */
export type ExtractReason =
  // kept
  | 'instruction'
  | 'question'
  | 'request'
  // dropped
  | 'acknowledgement'
  | 'chit_chat'
  | 'logistics'
  | 'too_short'
  | 'bare_link'
  | 'code_only'
  | 'no_instruction';

export interface ExtractDecision {
  kept: boolean;
  reason: ExtractReason;
}

const ACK =
  /^(?:(?:thanks?(?: you)?(?: so much| a lot| again)?|thx|ty|tysm|ok(?:ay)?|k|kk|cool|great|perfect|nice|awesome|amazing|got it|makes sense|yes|yeah|yep|no|nope|sure|lol|haha|good|fine|done|lgtm|\+1|same|agreed|will do|on it|np|no worries|cheers|wow|hi|hello|hey|bye|morning|good morning|gm|welcome|congrats|congratulations)\b[\s!.,:;)(-]*)+(?:all|everyone|team|folks|guys|man|mate)?[\s!.,:;)(]*$/i;
const LINK_ONLY = /^<?https?:\/\/\S+>?$/i;
const NO_WORDS = /^[\s\p{P}\p{S}\p{Emoji_Presentation}\p{Extended_Pictographic}]*$/u;

/** Fillers before the real start: "hi!", "quick q:", "@here", "thanks, that worked —", "now". */
const LEAD_IN =
  /^(?:(?:hi|hey|hello|ok(?:ay)?|cool|great|thanks?(?:,? that worked)?|thank you|quick (?:q|question)|question|btw|also|and|then|so|now|ok now|but|please|pls|@[\w-]+)\b[\s!,.:;—–-]*)+/i;

const IMPERATIVE =
  /^(?:please\s+)?(?:write|review|explain|summari[sz]e|summary of|translate|create|generate|make|give|list|describe|convert|refactor|fix|debug|optimi[sz]e|rewrite|redo|draft|compose|suggest|find|implement|add|remove|update|check|compare|analy[sz]e|design|build|help|tell|show|act|pretend|classify|extract|format|improve|document|outline|plan|propose|recommend|evaluate|calculate|correct|proofread|proof read|edit|shorten|expand|simplify|identify|provide|produce|prepare|answer|teach|define|brainstorm|forecast|turn|use|tldr|eli5|run|install|commit|deploy|delete|rename|open|read|search|look (?:at|up|into)|print|sort|call|set up|configure|migrate|merge|split|count|validate|parse|clean up|sanity check|shorter|longer|simpler|same (?:thing|for|but|again)|do the same|continue the|you are|you're an?|i want|i need|i'd like|can you|could you|would you|will you)\b(?!\s+(?:is|are|was|were|has|have|had|looks?)\b)/i;
/** Imperatives in the other languages teams write prompts in. */
const IMPERATIVE_OTHER =
  /^(?:erkl[äa]re?|schreib(?:e)?|[üu]bersetze|fasse|formuliere|erstelle|gib mir|écris|rédige|explique|traduis|résume|donne-moi|corrige|escribe|explica|traduce|resume|dame|dime|act[úu]a|haz|scrivi|spiega|traduci|riassumi|schrijf|leg uit|vertaal|maak|explique|escreva|traduza|вызови|найди|напиши|объясни|переведи|сделай|создай|покажи|исправь|добавь)(?![\p{L}])/iu;
const REQUEST =
  /\b(?:i need|i want|(?:and|but|so) (?:i |we )?need|i'd like|i would like|i'?m trying to|i am trying to|i'?m looking for|looking for a|need an? |we need|help me|is there a way|any (?:tips|ideas|suggestions)|what'?s the (?:best|right|cleanest|idiomatic) way|how (?:do|can|should|would) (?:i|we|you)|(?:^|\n)(?:can|could|should|do) i|is (?:it|there) (?:possible|a way))\b/i;
/** "regex for semver…", "sql for counting…": the thing wanted, then what it is for. */
const REQUEST_NOUN =
  /^(?:an? )?(?:regex|regexp|sql|query|script|snippet|function|command|one-liner|formula|template|email|checklist|outline|bash|python|code|example|dockerfile|cron|jq)\b.*\b(?:for|to|that|which)\b/i;

/** Question words: a clause starting with one asks, question mark or not ("how do I undo a rebase"). */
const QUESTION_START =
  /^(?:what(?! an? )|whats|what's|why|how|hows|how's|when|where|which|who|any(?:one|body) know|quelle?s?|comment|pourquoi|est-ce|wie|warum|welche[rs]?|c[óo]mo|qu[ée]|por qu[ée]|cu[áa]l|alguien|qual|como|perch[ée]|quale)\b|^¿/i;

/** Scheduling, access and admin questions to colleagues: answered by a person, not a prompt. */
const LOGISTICS_TOPIC =
  /\b(?:stand-?up|1:1|one-on-one|retro|all-hands|planning session|meeting|lunch|offsite|workshop|room|calendar|invite|pto|day off|out tomorrow|on[- ]call this|rota)\b/i;
const LOGISTICS =
  /\b(?:give me|get) access\b|\baccess to the\b|\badd me to\b|\bsend me the\b|\breview my (?:pr|mr|pull request)\b|\bthe link to\b|\bwork for (?:everyone|you|you all)\b|\bwhere (?:do|can|should) i (?:submit|find|get|put|send|book)\b|\bis anyone (?:using|around|free|on)\b|\bwho'?s (?:on|ordering|bringing|taking|joining|coming|around)\b|\b(?:can|could|shall) we (?:move|push|reschedule|skip|cancel|meet)\b/i;
/** Social talk in question form. */
const CHIT_CHAT_PHRASE =
  /\b(?:how was|how do you like|can't wait|cant wait|is it just me|can you believe|anyone else|anybody else|everyone doing|y'all doing|you all doing)\b/i;
const CHIT_CHAT_TOPIC =
  /\b(?:weather|weekend|holidays?|vacation|match tonight|the game|cake|coffee|laptop|chairs?|birthday|party)\b/i;
/** Questions about what a colleague did or saw: part of a conversation, not a reusable prompt. */
const CONVERSATION = /^(?:did|do|have|were|are) you\b|^had a chance\b/i;
/** Questions to the assistant about itself ("who made you?", "tell me about yourself"). */
const ABOUT_ASSISTANT =
  /\b(?:yourself|your name|who (?:are|made|created|developed|built|trained|taught) you|who you are|about you|(?:who|what) (?:\w+ )?you(?: called)?(?=\s*\?\s*$)|are you (?:a|an|based|created|trained|made|gpt|davinci|chatgpt|claude|human|real)|what(?:'s| is) up|how are you)\b/i;
/** Asking colleagues for knowledge ("does anyone know how…") is a prompt; asking them anything else is not. */
const ASKS_PEOPLE = /\b(?:anyone|anybody|everyone|everybody|someone|somebody|you all|y'all)\b/i;
const ASKS_KNOWLEDGE =
  /\b(?:know|knows|tips|experience|seen|tried|set up|handle|explain|figured|recommend|suggestions?|sabe|check|look at|help)\b/i;

/** The words a person wrote: material and placeholders (pasted or redacted) are not words of theirs. */
function personalText(separated: SeparatedPrompt): string {
  return instructionText(separated.instruction.replace(/\{\{[a-z_]+\}\}/g, ' '));
}

const wordsOf = (text: string): string[] => text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));

/** Clauses, each stripped of lead-ins, so that "thanks, that worked — now can you…" is read from "can you". */
function clauses(text: string): string[] {
  return text
    .split(/(?<=[.!?;:])\s+|\n+|\s+[—–]\s+/)
    .map((c) => c.trim().replace(LEAD_IN, '').trim())
    .filter(Boolean);
}

/** Whether a user message is a reusable prompt worth mining, and why. Pure and cheap. */
export function classifyMessage(text: string, separated = separateMaterial(text)): ExtractDecision {
  const trimmed = text.trim();
  if (LINK_ONLY.test(trimmed)) return { kept: false, reason: 'bare_link' };
  if (ACK.test(trimmed) || NO_WORDS.test(trimmed)) return { kept: false, reason: 'acknowledgement' };
  const own = personalText(separated);
  const words = wordsOf(own.replace(/<?https?:\/\/\S+>?/g, ' '));
  if (words.length === 0) return { kept: false, reason: 'code_only' };
  const parts = clauses(own);
  // A `?` inside a URL or a query string is not a question mark.
  const asks = own.replace(/\S+\?\S+/g, ' ').includes('?') || parts.some((c) => QUESTION_START.test(c));
  // "RUN pip install", "FROM python:3.12": a keyword in capitals starts a line of code, not a request.
  const imperative = parts.some(
    (c) => !/^[A-Z]{2,}\b/.test(c) && (IMPERATIVE.test(c) || IMPERATIVE_OTHER.test(c)),
  );
  if (ABOUT_ASSISTANT.test(own) || CHIT_CHAT_PHRASE.test(own)) return { kept: false, reason: 'chit_chat' };
  if (LOGISTICS.test(own)) return { kept: false, reason: 'logistics' };
  if (imperative && words.length >= 2) return { kept: true, reason: 'instruction' };
  if (REQUEST.test(own) || (words.length >= 3 && REQUEST_NOUN.test(parts[0] ?? ''))) {
    return { kept: true, reason: 'request' };
  }
  if (asks) {
    if (LOGISTICS_TOPIC.test(own)) return { kept: false, reason: 'logistics' };
    if (CHIT_CHAT_TOPIC.test(own) || (ASKS_PEOPLE.test(own) && !ASKS_KNOWLEDGE.test(own)))
      return { kept: false, reason: 'chit_chat' };
    if (parts.some((c) => CONVERSATION.test(c)) && !ASKS_KNOWLEDGE.test(own))
      return { kept: false, reason: 'chit_chat' };
    if (words.length < 3) return { kept: false, reason: 'too_short' };
    return { kept: true, reason: 'question' };
  }
  if (words.length < 3) return { kept: false, reason: 'too_short' };
  // A statement: a status update, an answer, an announcement, a paste without a request.
  return { kept: false, reason: 'no_instruction' };
}
