import { Injectable, Logger } from '@nestjs/common';
import Handlebars from 'handlebars';
import { completeMergeContext, fieldValue, MERGE_FIELD_PATHS, MERGE_FIELDS, MergeContext, PartialMergeContext } from './merge-context';
import { TemplateException, TemplateExceptionCode } from './template.exception';

/**
 * Rendering of reply templates with Handlebars (the maintained `handlebars`
 * package), in an isolated environment: no helper or partial registered
 * elsewhere in the process can leak in.
 *
 * The language is deliberately small: merge fields (`{{customer.name}}`) and
 * `{{#if field}}…{{else}}…{{/if}}` / `{{#unless field}}` blocks. Saving checks
 * the template against that (walking the AST from `Handlebars.parse`), so a
 * typo such as `{{customer.nmae}}` is refused with its name instead of
 * silently rendering as nothing in a customer's mail. Rendering itself is
 * lenient (`strict: false`): a value the caller did not know is `''`.
 *
 * Bodies are plain text (`noEscape`: `O'Brien & fils` stays as written). The
 * HTML alternative is that text, HTML-escaped as a whole with Handlebars'
 * `escapeExpression` (merged values *and* the template's own words: the body
 * is text, so a `<` in it is a character, not markup), newlines as `<br>`.
 */
const handlebars = Handlebars.create();

/** The block helpers a template may use; each takes one merge field. */
const BLOCK_HELPERS: ReadonlySet<string> = new Set(['if', 'unless']);

/** Compiled templates kept per process (one entry per template id). */
const MAX_CACHED = 1000;

const COMPILE_OPTIONS: CompileOptions = { strict: false, noEscape: true, knownHelpersOnly: true };

export type TemplatePart = 'subject' | 'body';

/** What a stored template gives the renderer. */
export interface RenderableTemplate {
  id: string;
  updatedAt: Date;
  /** Handlebars source; null = "Re: " + the conversation's subject + ` [#ref]` (see replySubject). */
  subject: string | null;
  body: string;
}

export interface RenderedTemplate {
  subject: string;
  text: string;
  html: string;
  /** Merge fields the template uses that had no value (rendered as empty). */
  missingFields: string[];
}

/** The merge fields and mistakes found in one template source. */
export interface SourceAnalysis {
  /** Known fields referenced, in order of first use. */
  fields: string[];
  /** References that are not merge fields, as written (`customer.nmae`). */
  unknown: string[];
  /** Constructs outside the template language (other helpers, partials…). */
  unsupported: string[];
}

type TemplateFn = Handlebars.TemplateDelegate<MergeContext>;

interface CompiledTemplate {
  version: number;
  subjectSource: string | null;
  bodySource: string;
  subject: TemplateFn | null;
  body: TemplateFn;
  fields: string[];
}

/**
 * Parses one source and lists the merge fields it uses. Throws
 * INVALID_SYNTAX when Handlebars cannot parse it.
 */
export function analyseTemplateSource(source: string, part: TemplatePart): SourceAnalysis {
  let program: hbs.AST.Program;
  try {
    program = handlebars.parse(source);
  } catch (error) {
    throw new TemplateException(TemplateExceptionCode.INVALID_SYNTAX, `Template ${part}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const collector = new FieldCollector();
  collector.program(program);
  return { fields: [...collector.fields], unknown: [...collector.unknown], unsupported: collector.unsupported };
}

/**
 * The save-time check of a template's subject and body: parses, refuses any
 * construct outside the template language (INVALID_SYNTAX) and any reference
 * that is not a merge field (UNKNOWN_FIELD, naming each), then compiles and
 * renders once so that no error is left for the first real mail.
 */
export function assertValidTemplate(sources: { subject: string | null; body: string }): void {
  const parts: Array<[TemplatePart, string]> = [['body', sources.body]];
  if (sources.subject !== null) parts.unshift(['subject', sources.subject]);
  const analyses = parts.map(([part, source]) => ({ part, source, ...analyseTemplateSource(source, part) }));

  const unsupported = analyses.flatMap(({ part, unsupported: found }) => found.map((what) => `${part}: ${what}`));
  if (unsupported.length > 0) {
    throw new TemplateException(TemplateExceptionCode.INVALID_SYNTAX, unsupported.join('; '), { details: unsupported });
  }
  const unknown = analyses.flatMap(({ part, unknown: found }) => found.map((field) => ({ part, field })));
  if (unknown.length > 0) {
    const details = unknown.map(({ part, field }) => `Unknown merge field {{${field}}} in the ${part}${suggestion(field)}`);
    throw new TemplateException(TemplateExceptionCode.UNKNOWN_FIELD, details.join('; '), { details });
  }
  for (const { part, source } of analyses) {
    try {
      compile(source)(completeMergeContext());
    } catch (error) {
      throw new TemplateException(TemplateExceptionCode.INVALID_SYNTAX, `Template ${part}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Plain text → an HTML fragment: everything escaped (Handlebars' escapeExpression), newlines as `<br>`. */
export function textToHtml(text: string): string {
  return handlebars.escapeExpression(text).replace(/\n/g, '<br>\n');
}

/**
 * The subject of a template without one: `Re: ` + the original subject
 * (unless it already is a reply), and the reference token `[#K7F-2Q9]` when
 * known and not already there, since threading falls back on it.
 */
export function replySubject(original: string, ref = ''): string {
  const subject = original.trim();
  const reply = subject === '' ? 'Re:' : /^re\s*:/i.test(subject) ? subject : `Re: ${subject}`;
  return ref === '' || reply.includes(`[#${ref}]`) ? reply : `${reply} [#${ref}]`;
}

/** Renders templates, keeping the compiled functions per template id and version (`updatedAt`). */
@Injectable()
export class TemplateRenderer {
  private readonly logger = new Logger(TemplateRenderer.name);
  private readonly cache = new Map<string, CompiledTemplate>();

  renderTemplate(template: RenderableTemplate, context: PartialMergeContext = {}): RenderedTemplate {
    const compiled = this.compiled(template);
    const merged = completeMergeContext(context);
    const text = this.run(compiled.body, merged, template, 'body');
    const subject = compiled.subject
      ? oneLine(this.run(compiled.subject, merged, template, 'subject'))
      : oneLine(replySubject(merged.conversation.subject, merged.conversation.ref));
    const used = compiled.subject ? compiled.fields : [...compiled.fields, 'conversation.subject', 'conversation.ref'];
    const missingFields = [...new Set(used)].filter((path) => fieldValue(merged, path) === '');
    return { subject, text, html: textToHtml(text), missingFields };
  }

  /** The plain-text body (merged values as written, nothing escaped). */
  renderText(template: RenderableTemplate, context: PartialMergeContext = {}): string {
    return this.run(this.compiled(template).body, completeMergeContext(context), template, 'body');
  }

  /** The HTML alternative of the body: escaped, newlines as `<br>`. */
  renderHtml(template: RenderableTemplate, context: PartialMergeContext = {}): string {
    return textToHtml(this.renderText(template, context));
  }

  /** Drops a deleted template's compiled functions. */
  forget(templateId: string): void {
    this.cache.delete(templateId);
  }

  private compiled(template: RenderableTemplate): CompiledTemplate {
    const version = template.updatedAt.getTime();
    const cached = this.cache.get(template.id);
    // The sources are compared too: two saves within one millisecond keep the same updatedAt.
    if (cached && cached.version === version && cached.subjectSource === template.subject && cached.bodySource === template.body) {
      return cached;
    }
    const fields = analyseTemplateSource(template.body, 'body').fields;
    if (template.subject !== null) fields.unshift(...analyseTemplateSource(template.subject, 'subject').fields);
    const entry: CompiledTemplate = {
      version,
      subjectSource: template.subject,
      bodySource: template.body,
      subject: template.subject === null ? null : compile(template.subject),
      body: compile(template.body),
      fields,
    };
    this.cache.delete(template.id);
    this.cache.set(template.id, entry);
    if (this.cache.size > MAX_CACHED) {
      // Maps iterate in insertion order: the first key is the least recently compiled.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return entry;
  }

  private run(fn: TemplateFn, context: MergeContext, template: RenderableTemplate, part: TemplatePart): string {
    try {
      return fn(context).replace(/\r\n?/g, '\n');
    } catch (error) {
      // Saved templates were checked; reaching this means a template written around the API.
      this.logger.error(`Template ${template.id} (${part}) failed to render: ${error instanceof Error ? error.message : String(error)}`);
      throw new TemplateException(TemplateExceptionCode.INVALID_SYNTAX, `Template ${template.id} ${part} cannot be rendered`, { cause: error });
    }
  }
}

function compile(source: string): TemplateFn {
  return handlebars.compile<MergeContext>(source, COMPILE_OPTIONS);
}

/** Subjects are one header line: merged values must not bring line breaks into it. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** Walks a parsed template: merge fields used, unknown references, unsupported constructs. */
class FieldCollector {
  readonly fields = new Set<string>();
  readonly unknown = new Set<string>();
  readonly unsupported: string[] = [];

  program(program: hbs.AST.Program | undefined): void {
    for (const statement of program?.body ?? []) this.statement(statement);
  }

  private statement(node: hbs.AST.Statement): void {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement': {
        const mustache = node as hbs.AST.MustacheStatement;
        if (mustache.params.length > 0 || hasHash(mustache.hash)) {
          this.unsupported.push(`{{${expressionText(mustache.path)} …}} at line ${line(node)}: helpers are not available, only merge fields`);
          return;
        }
        this.reference(mustache.path);
        return;
      }
      case 'BlockStatement': {
        const block = node as hbs.AST.BlockStatement;
        const helper = block.path.original;
        if (block.path.type === 'PathExpression' && BLOCK_HELPERS.has(helper) && block.params.length === 1 && !hasHash(block.hash)) {
          this.reference(block.params[0]);
        } else {
          this.unsupported.push(`{{#${expressionText(block.path)}}} at line ${line(node)}: only {{#if field}} and {{#unless field}} blocks are available`);
        }
        this.program(block.program);
        this.program(block.inverse);
        return;
      }
      default:
        this.unsupported.push(`${node.type} at line ${line(node)}: partials and decorators are not available`);
    }
  }

  private reference(expression: hbs.AST.Expression): void {
    if (expression.type !== 'PathExpression') {
      this.unsupported.push(`${expressionText(expression)} at line ${line(expression)}: a literal is not a merge field`);
      return;
    }
    const path = expression as hbs.AST.PathExpression;
    const name = path.parts.join('.');
    // `@root.x`, `../x` and `{{this}}` address the context in ways the check cannot follow: refused as unknown.
    if (!path.data && path.depth === 0 && MERGE_FIELD_PATHS.has(name)) this.fields.add(name);
    else this.unknown.add(path.original);
  }
}

function hasHash(hash: hbs.AST.Hash | undefined): boolean {
  return hash !== undefined && hash !== null && hash.pairs.length > 0;
}

function expressionText(expression: hbs.AST.Expression): string {
  const { original, value } = expression as { original?: unknown; value?: unknown };
  if (original !== undefined) return String(original);
  if (value !== undefined) return String(value);
  return expression.type;
}

function line(node: hbs.AST.Node): number {
  return node.loc?.start.line ?? 1;
}

/** " (did you mean {{customer.name}}?)" for a near miss (edit distance ≤ 2), else "". */
function suggestion(field: string): string {
  let best: { path: string; distance: number } | null = null;
  for (const { path } of MERGE_FIELDS) {
    const distance = editDistance(field.toLowerCase(), path.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { path, distance };
  }
  return best ? ` (did you mean {{${best.path}}}?)` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
