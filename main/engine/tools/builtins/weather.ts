import { z } from 'zod'
import { ToolError } from '../../errors'
import { defineTool } from '../defineTool'

/**
 * `get_weather`: the original answered from a fixed table (no web API), so this does too and is
 * deterministic offline. Unlike the original, city names match case-insensitively and an unknown
 * unit is rejected instead of being echoed next to an unconverted number.
 */
export const WEATHER_TABLE: Readonly<Record<string, { temperature: number; unit: 'celsius' | 'fahrenheit' }>> = {
  'San Francisco': { temperature: 72, unit: 'fahrenheit' },
  Tokyo: { temperature: 10, unit: 'celsius' },
  Paris: { temperature: 22, unit: 'celsius' },
}

const round1 = (n: number): number => Math.round(n * 10) / 10

/** Converts between celsius and fahrenheit, rounded to one decimal like the original. */
export function convertTemperature(value: number, from: 'celsius' | 'fahrenheit', to: 'celsius' | 'fahrenheit'): number {
  if (from === to) return value
  return to === 'celsius' ? round1(((value - 32) * 5) / 9) : round1((value * 9) / 5 + 32)
}

export interface WeatherReport {
  location: string
  temperature: number
  unit: 'celsius' | 'fahrenheit'
}

export const getWeatherTool = defineTool({
  name: 'get_weather',
  description: 'Get the current weather in a given location.',
  // Extra keys are forbidden, as in the original: an invented argument fails validation.
  input: z.strictObject({ location: z.string(), unit: z.string().default('fahrenheit') }),
  inProcess: true, // a fixed table: no commit needed before it runs
  run(args): WeatherReport {
    const unit = args.unit.trim().toLowerCase()
    if (unit !== 'celsius' && unit !== 'fahrenheit') {
      throw new ToolError(`unit must be "celsius" or "fahrenheit", got "${args.unit}"`, 'BAD_UNIT')
    }
    const wanted = args.location.trim().toLowerCase()
    const city = WEATHER_TABLE[args.location] ? args.location : Object.keys(WEATHER_TABLE).find((c) => c.toLowerCase() === wanted)
    if (!city) throw new ToolError(`Weather data for '${args.location}' not found.`, 'NOT_FOUND')
    const row = WEATHER_TABLE[city]!
    return { location: city, temperature: convertTemperature(row.temperature, row.unit, unit), unit }
  },
})

/** `get_league_leader`: fixed table, as in the original (offered to auto-created agents). */
export const LEAGUE_TABLE: Readonly<Record<string, string>> = {
  'Ligue 1': 'Paris Saint-Germain',
  'Premier League': 'Manchester City',
  'La Liga': 'Real Madrid',
}

export const getLeagueLeaderTool = defineTool({
  name: 'get_league_leader',
  description: 'Get the current leader of a football league.',
  input: z.strictObject({ league: z.string() }),
  inProcess: true,
  run(args): { league: string; leader: string } {
    const leader = LEAGUE_TABLE[args.league]
    if (!leader) throw new ToolError(`League '${args.league}' not found.`, 'NOT_FOUND')
    return { league: args.league, leader }
  },
})
