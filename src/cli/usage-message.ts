/**
 * commander's usage errors, rewritten so that they never print a value from the command line.
 * commander quotes what it could not use: an unknown option with its value (`--ssn=123-45-6789`), an
 * option-argument it refused (`argument 'Jane' is invalid`), an unknown command. A value given to a
 * flag may be an SSN, a name or an email, and pattern redaction cannot recognise a name, so each
 * message is rebuilt from its known template with the value left out; the option names shown are
 * our own flags, or what the caller typed only when it is shaped like a flag name. A message of no
 * known template is replaced by a generic one.
 */

const UNKNOWN_OPTION = "error: unknown option '";
const UNKNOWN_COMMAND = "error: unknown command '";
const OPTION = "error: option '";
const INVALID_OPTION_ARGUMENT = "' is invalid.";
const COMMAND_ARGUMENT = "error: command-argument value '";
const INVALID_COMMAND_ARGUMENT = "' is invalid for argument '";
const SUGGESTION = '\n(Did you mean ';

/** Templates with nothing from the command line in them but our own flag and argument names. */
const VALUE_FREE = [
  /^error: missing required argument '[A-Za-z][\w-]*'$/,
  /^error: option '[^'\n]+' argument missing$/,
  /^error: required option '[^'\n]+' not specified$/,
  /^error: (?:option|environment variable) '[^'\n]+' cannot be used with (?:option|environment variable) '[^'\n]+'$/,
  /^error: too many arguments(?: for '[\w-]+')?\. Expected \d+ arguments? but got \d+\.$/,
];

/** `--name` or `-x`: what a flag looks like (a value such as `-Doe` or `--Jane Doe!` does not). */
const FLAG_NAME = /^(?:--[A-Za-z][A-Za-z0-9-]{0,40}|-[A-Za-z])$/;
/** A command name as commander suggests them (`crate` for `create`); a name with capitals or spaces is not shown. */
const COMMAND_NAME = /^[a-z][a-z0-9-]{0,30}$/;
/** Longest text tested against a pattern (a flag or command name is far shorter). */
const MAX_NAME = 48;

const GENERIC = 'error: the command line is not valid';

/** `(Did you mean --email?)` after a message: commander picks it among our own flags and commands. */
function splitSuggestion(message: string): { head: string; suggestion: string } {
  const at = message.lastIndexOf(SUGGESTION);
  if (at < 0 || !message.endsWith('?)')) return { head: message, suggestion: '' };
  const suggestion = message.slice(at);
  // Only a single flag or command name, as commander writes it.
  return /^\n\(Did you mean -{0,2}[A-Za-z][A-Za-z0-9-]{0,40}\?\)$/.test(suggestion)
    ? { head: message.slice(0, at), suggestion }
    : { head: message, suggestion: '' };
}

/** What the caller typed between `prefix'` and the closing quote, or `undefined` if not that shape. */
function quoted(head: string, prefix: string): string | undefined {
  if (!head.startsWith(prefix) || !head.endsWith("'")) return undefined;
  return head.slice(prefix.length, -1);
}

function showName(typed: string, shape: RegExp): string | undefined {
  const name = typed.slice(0, MAX_NAME + 1).split('=', 1)[0] ?? '';
  return name.length <= MAX_NAME && shape.test(name) ? name : undefined;
}

function rewrite(message: string): string {
  if (VALUE_FREE.some((template) => message.length <= 400 && template.test(message))) return message;

  const { head, suggestion } = splitSuggestion(message);
  const option = quoted(head, UNKNOWN_OPTION);
  if (option !== undefined) {
    const name = showName(option, FLAG_NAME);
    return `${name ? `error: unknown option '${name}'` : 'error: unknown option'}${suggestion}`;
  }
  const command = quoted(head, UNKNOWN_COMMAND);
  if (command !== undefined) {
    const name = showName(command, COMMAND_NAME);
    return `${name ? `error: unknown command '${name}'` : 'error: unknown command'}${suggestion}`;
  }

  if (message.startsWith(OPTION)) {
    // `option '<our flags>' argument '<value>' is invalid. <our explanation>`
    const flagsEnd = message.indexOf("'", OPTION.length);
    const flags = message.slice(OPTION.length, flagsEnd);
    const explanationAt = message.lastIndexOf(INVALID_OPTION_ARGUMENT);
    if (flagsEnd > 0 && explanationAt > flagsEnd) {
      const explanation = message.slice(explanationAt + INVALID_OPTION_ARGUMENT.length);
      return `error: option '${flags}' argument is invalid.${explanation}`;
    }
  }
  if (message.startsWith(COMMAND_ARGUMENT)) {
    const at = message.lastIndexOf(INVALID_COMMAND_ARGUMENT);
    if (at > 0)
      return `error: command-argument value is invalid for argument '${message.slice(at + INVALID_COMMAND_ARGUMENT.length)}`;
  }
  return GENERIC;
}

/** commander's error text (one message and a newline) without any value from the command line. */
export function safeUsageMessage(text: string): string {
  const message = text.endsWith('\n') ? text.slice(0, -1) : text;
  return `${rewrite(message)}\n`;
}
