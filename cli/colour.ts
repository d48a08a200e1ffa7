/**
 * Whether to print ANSI colours: not when NO_COLOR is set to anything but the
 * empty string (https://no-color.org). Cursor movement is not colour and
 * stays; only the colour codes go.
 */
export function colourWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR;
}
