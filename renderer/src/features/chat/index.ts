export { ChatScreen } from './components/ChatScreen'
export { MessageRow } from './components/MessageRow'
export { useChatStore, resetChatStore, startChatLiveUpdates, isBusy, toUiError, type UiError } from './store'
