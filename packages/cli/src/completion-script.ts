import { type CompletionShell, commands, optionNames } from './args';

const stateActions = ['show', 'reset'];
const shells = ['bash', 'zsh', 'fish'];
const configPattern = '*.@(json|yaml|yml|js|mjs|cjs|ts|mts|cts)';

function bashScript(): string {
  return `# restsync completion for bash. Install: restsync completion bash > ~/.local/share/bash-completion/completions/restsync
_restsync() {
  local current previous command
  current="\${COMP_WORDS[COMP_CWORD]}"
  previous="\${COMP_WORDS[COMP_CWORD-1]}"
  command="\${COMP_WORDS[1]}"
  if [[ "$current" == -* ]]; then
    COMPREPLY=($(compgen -W "${optionNames.join(' ')}" -- "$current"))
    return
  fi
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${commands.join(' ')}" -- "$current"))
    return
  fi
  case "$command" in
    completion) COMPREPLY=($(compgen -W "${shells.join(' ')}" -- "$current")); return ;;
    state) if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=($(compgen -W "${stateActions.join(' ')}" -- "$current")); return; fi ;;
    schema) return ;;
  esac
  case "$previous" in
    --destination|--dataset|--resource|--wait|--lease-ttl|--concurrency|--limit-pages|--limit) return ;;
  esac
  local IFS=$'\\n'
  COMPREPLY=($(compgen -f -X '!${configPattern}' -- "$current") $(compgen -d -- "$current"))
}
shopt -s extglob 2>/dev/null
complete -o filenames -F _restsync restsync
`;
}

function zshScript(): string {
  const optionList = optionNames.map((name) => `'${name}'`).join(' ');
  return `#compdef restsync
# restsync completion for zsh. Install: restsync completion zsh > "\${fpath[1]}/_restsync"
_restsync() {
  local -a commands options
  commands=(${commands.map((name) => `'${name}'`).join(' ')})
  options=(${optionList})
  if [[ "$PREFIX" == -* ]]; then
    compadd -a options
    return
  fi
  if (( CURRENT == 2 )); then
    compadd -a commands
    return
  fi
  case "$words[2]" in
    completion) compadd ${shells.join(' ')} ;;
    state) if (( CURRENT == 3 )); then compadd ${stateActions.join(' ')}; else _files -g '*.(json|yaml|yml|js|mjs|cjs|ts|mts|cts)'; fi ;;
    schema) ;;
    *) _files -g '*.(json|yaml|yml|js|mjs|cjs|ts|mts|cts)' ;;
  esac
}
compdef _restsync restsync
`;
}

function fishScript(): string {
  const lines = [
    '# restsync completion for fish. Install: restsync completion fish > ~/.config/fish/completions/restsync.fish',
    'complete -c restsync -f',
    `complete -c restsync -n '__fish_use_subcommand' -a '${commands.join(' ')}'`,
    `complete -c restsync -n '__fish_seen_subcommand_from completion' -a '${shells.join(' ')}'`,
    `complete -c restsync -n '__fish_seen_subcommand_from state; and not __fish_seen_subcommand_from ${stateActions.join(' ')}' -a '${stateActions.join(' ')}'`,
    "complete -c restsync -n '__fish_seen_subcommand_from run validate check runs show reset' -F",
    ...optionNames.map((name) => `complete -c restsync -l ${name.slice(2)}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The completion script `restsync completion <shell>` prints: commands, options and config files. */
export function completionScript(shell: CompletionShell): string {
  if (shell === 'bash') return bashScript();
  if (shell === 'zsh') return zshScript();
  return fishScript();
}
