import { create } from 'zustand'
import { createJSONStorage, persist } from 'zustand/middleware'

export type Theme = 'dark' | 'light'

interface ShellState {
  theme: Theme
  toggleTheme(): void
}

const systemTheme = (): Theme => (window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark')

/** Shell preferences; the only persisted state in the renderer (the database is the truth for the rest). */
export const useShellStore = create<ShellState>()(
  persist(
    (set, get) => ({
      theme: systemTheme(),
      toggleTheme: () => set({ theme: get().theme === 'dark' ? 'light' : 'dark' }),
    }),
    { name: 'p2engine.shell', version: 1, storage: createJSONStorage(() => localStorage), partialize: (s) => ({ theme: s.theme }) },
  ),
)
