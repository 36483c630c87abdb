// Validation of command-line values with zod: each bad value names the flag, what it got and what is allowed.
import { InvalidArgumentError } from 'commander';
import { z } from 'zod';

function parser<T>(schema: z.ZodType<T>, expected: string): (value: string) => T {
  return (value: string) => {
    const result = schema.safeParse(value);
    if (!result.success) throw new InvalidArgumentError(`expected ${expected}, got '${value}'.`);
    return result.data;
  };
}

const integerText = z.string().trim().regex(/^[+-]?\d+$/).transform(Number);

export const parsePositiveInt = parser(integerText.pipe(z.number().int().min(1).max(1e9)), 'a positive integer');
export const parseSeed = parser(integerText.pipe(z.number().int().min(0).max(2 ** 32 - 1)), 'an integer seed in [0, 4294967295]');
export const parseShare = parser(z.string().trim().regex(/^\d*\.?\d+$/).transform(Number).pipe(z.number().min(0).max(1)), 'a fraction in [0, 1]');
