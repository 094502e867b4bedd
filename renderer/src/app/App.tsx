/** Application shell. The chat, branches, wallets, rollouts and artifacts screens arrive with the desktop app. */
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui', padding: 24 }}>
      <h1>P2Engine</h1>
      <p>The desktop UI is not built yet. Use the <code>p2engine</code> CLI meanwhile.</p>
    </main>
  )
}
