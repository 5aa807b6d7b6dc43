import { instructionText } from './instruction.js';
import { separateMaterial } from './materials.js';

/** Why a message was kept as a candidate prompt or dropped: stored per message so the filter can be audited. */
export type ExtractReason =
  | 'instruction'
  | 'question'
  | 'request'
  | 'acknowledgement'
  | 'too_short'
  | 'bare_link'
  | 'code_only'
  | 'no_instruction';

export interface ExtractDecision {
  kept: boolean;
  reason: ExtractReason;
}

const ACK =
  /^(thanks?( you)?( so much| a lot)?|thx|ty|ok(ay)?|k|cool|great|perfect|nice|awesome|got it|yes|no|yep|nope|sure|lol|good|fine|done|hi|hello|hey|bye|cheers|wow)\b[\s!.,:)(-]*(thanks?|again|man|mate)?[\s!.,:)(]*$/i;
const LINK_ONLY = /^<?https?:\/\/\S+>?$/i;
const IMPERATIVE =
  /^(please\s+)?(write|review|explain|summari[sz]e|translate|create|generate|make|give|list|describe|convert|refactor|fix|debug|optimi[sz]e|rewrite|draft|compose|suggest|find|implement|add|remove|update|check|compare|analy[sz]e|design|build|help|tell|show|act|pretend|classify|extract|format|improve|document|outline|plan|propose|recommend|evaluate|test|calculate|correct|proofread|edit|shorten|expand|simplify|identify|provide|produce|prepare|answer|teach|define|i want|i need|i'd like|can you|could you|would you|you are)\b/i;
const QUESTION = /\?\s*$|^(what|why|how|when|where|which|who|is|are|can|could|should|would|does|do|did)\b/i;

/** Whether a user message is a reusable prompt worth mining, and why. Pure and cheap. */
export function classifyMessage(text: string, separated = separateMaterial(text)): ExtractDecision {
  const trimmed = text.trim();
  if (LINK_ONLY.test(trimmed)) return { kept: false, reason: 'bare_link' };
  if (ACK.test(trimmed)) return { kept: false, reason: 'acknowledgement' };
  // What the person wrote: pasted material and placeholders (typed or redacted) are not words of it.
  const instruction = instructionText(separated.instruction.replace(/\{\{[a-z_]+\}\}/g, ' '));
  const words = instruction.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return { kept: false, reason: 'code_only' };
  if (words.length < 4) return { kept: false, reason: 'too_short' };
  if (IMPERATIVE.test(instruction)) return { kept: true, reason: 'instruction' };
  if (QUESTION.test(instruction) || instruction.includes('?')) return { kept: true, reason: 'question' };
  // Longer free-form requests ("I have a table of orders and …") are prompts too.
  if (words.length >= 8) return { kept: true, reason: 'request' };
  return { kept: false, reason: 'no_instruction' };
}
