/**
 * What the offline scripted model says when no tool fits the message: a few space jokes from
 * a fixed joke book when humour is asked for (as many sentences or puns as asked, the punch-line
 * last), its tools when asked what it can do, and otherwise a canned reply that says no
 * language model is configured. Deterministic: the same message gets the same text.
 */

/** Marks the canned reply; the offline judge scores it as "did not answer". */
export const CANNED_REPLY = 'No language model is configured, so this is a canned reply.'

/** An ISS story, one sentence each; the last two are the puns. */
const STORY = [
  'Life on the ISS starts with a sunrise, and then fifteen more before dinner.',
  'Breakfast floats off the tray the moment you blink, so every meal is a game of catch.',
  'The treadmill is the only place where astronauts run for an hour and stay exactly where they started, 400 km up.',
  'Haircuts happen next to a vacuum hose, the closest thing in orbit to a salon with a view.',
  'Every sock that goes missing on Earth is rumoured to turn up behind a panel in Node 2.',
  'Sleeping bags are strapped to the wall, so nobody falls out of bed; they just drift into the morning meeting.',
  'Mission Control calls at six sharp, which is bold for a place that sees a sunrise every 90 minutes.',
  'Water is recycled so thoroughly that yesterday’s coffee is today’s coffee, with extra steps.',
  'The crew once threw a party, but it had no atmosphere.',
]
const STORY_PUNCHLINE = 'In the end, life on the ISS is out of this world, and the rent is astronomical!'

/** Space puns, cheesiest last. */
const PUNS = [
  'Why did the astronaut break up with the ISS? She needed space.',
  'How do you organise a party in orbit? You planet.',
  'Why is the Moon never hungry? It is always full.',
  'What do you call a tick on the Moon? A luna-tick.',
  'Why did the Sun skip college? It already had a million degrees.',
  'How do astronauts keep their lunch fresh? In a launch box.',
  'Why did the cow go to orbit? To see the moooon.',
]
const PUN_PUNCHLINE = 'What is an astronaut’s favourite key on the keyboard? The space bar!'

const NUMBERS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 }
const count = (word: string): number => NUMBERS[word.toLowerCase()] ?? Number(word)

/** True when the message asks for humour and does not forbid it. */
export function asksForHumour(text: string): boolean {
  const forbids = /\b(no|not|without|don't|do not)\b[^.\n]{0,30}\b(humou?r|jokes?|puns?|funny)\b|\bserious\b/i.test(text)
  return !forbids && /\b(jokes?|puns?|funny|hilarious|humou?r|comedy|anecdote|punch-?line|laugh)\b/i.test(text)
}

/** "10-sentence story", "in exactly eight sentences": the number of sentences asked for. */
function sentencesAsked(text: string): number | null {
  const m = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[\s-]+sentences?\b/i.exec(text)
  return m ? count(m[1]!) : null
}

/** "five original space-themed puns", "six random space puns": the number of puns asked for. */
function punsAsked(text: string): number | null {
  const m = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b(?:\s+[\w-]+){0,3}?\s+(?:puns|jokes|one-liners)\b/i.exec(text)
  return m ? count(m[1]!) : null
}

function jokeBook(text: string): string {
  const puns = punsAsked(text)
  const sentences = sentencesAsked(text)
  if (puns !== null || (sentences === null && /\b(puns?|jokes?|one-liners?)\b/i.test(text) && !/\b(story|anecdote|tale)\b/i.test(text))) {
    const n = Math.min(Math.max(puns ?? 1, 1), PUNS.length + 1)
    const lines = [...PUNS.slice(0, n - 1), PUN_PUNCHLINE]
    const bullet = /\bbullet/i.test(text) ? '- ' : ''
    return `From the offline joke book:\n${lines.map((l) => bullet + l).join('\n')}`
  }
  const n = Math.min(Math.max(sentences ?? 5, 1), STORY.length + 1)
  return `From the offline joke book: ${[...STORY.slice(0, n - 1), STORY_PUNCHLINE].join(' ')}`
}

/** Names a list the way people do: "a, b and c". */
export function listWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
}

/**
 * The offline answer to a message no tool call fits. `tools` are the names of the tools the
 * agent was offered.
 */
export function offlineReply(text: string, tools: readonly string[]): string {
  if (asksForHumour(text)) return jokeBook(text)
  if (/\b(your (key )?skills|what can you do|who are you|your tools)\b/i.test(text)) {
    return tools.length
      ? `Without a language model I can run my tools when asked directly: ${listWords(tools)}.`
      : 'Without a language model and without tools I can only give canned replies.'
  }
  const short = text.length > 200 ? `${text.slice(0, 200)}…` : text
  return `${CANNED_REPLY} You said: "${short}"`
}

/**
 * Cuts a reply to roughly `maxTokens` (4 characters a token) at a word boundary, as a real
 * model stops at its token limit; `cut` says whether it did.
 */
export function limitTokens(text: string, maxTokens: number | undefined): { text: string; cut: boolean } {
  if (!maxTokens || text.length <= maxTokens * 4) return { text, cut: false }
  const head = text.slice(0, maxTokens * 4)
  return { text: head.slice(0, Math.max(head.lastIndexOf(' '), 1)), cut: true }
}
