import EngageReports

/// The dashboard's own words, in English and Russian (report words come from `Labels`).
struct UIText {
    let lang: Language

    static let table: [String: (String, String)] = [
        "app": ("Engage", "Engage"),
        "overview": ("Overview", "Обзор"),
        "competitors": ("Competitors", "Конкуренты"),
        "posts": ("Posts", "Публикации"),
        "traffic": ("Traffic", "Трафик"),
        "import": ("Import", "Импорт"),
        "users": ("Users", "Пользователи"),
        "sign_in": ("Sign in", "Войти"),
        "sign_out": ("Sign out", "Выйти"),
        "name": ("Name", "Имя"),
        "password": ("Password", "Пароль"),
        "from": ("From", "С"),
        "to": ("To", "По"),
        "show": ("Show", "Показать"),
        "bad_login": ("Wrong name or password.", "Неверное имя или пароль."),
        "too_many": ("Too many failed attempts. Try again in a few minutes.", "Слишком много неудачных попыток. Попробуйте через несколько минут."),
        "csrf": ("The form expired. Please try again.", "Форма устарела. Попробуйте ещё раз."),
        "error": ("Something is wrong", "Что-то не так"),
        "not_found": ("Not found", "Не найдено"),
        "upload": ("Upload and import", "Загрузить и импортировать"),
        "import_help": ("Choose one or more CSV files in the formats of docs/import.md (accounts.csv, account_daily.csv, posts.csv, …). All or nothing: if any row is wrong, nothing is changed.",
                        "Выберите один или несколько CSV-файлов в форматах docs/import.md (accounts.csv, account_daily.csv, posts.csv, …). Всё или ничего: если хоть одна строка ошибочна, ничего не меняется."),
        "imported": ("Imported", "Импортировано"),
        "rows": ("rows", "строк"),
        "refused": ("The import was refused; nothing was changed.", "Импорт отклонён; ничего не изменено."),
        "no_accounts": ("No accounts yet. Import data first (engage import, or the Import page).", "Аккаунтов пока нет. Сначала импортируйте данные (engage import или страница «Импорт»)."),
        "no_competitors": ("No competitor accounts: mark accounts with competitor=true in accounts.csv.", "Нет аккаунтов конкурентов: отметьте их competitor=true в accounts.csv."),
        "account": ("Account", "Аккаунт"),
        "all": ("All", "Все"),
        "type": ("Type", "Тип"),
        "rubric": ("Rubric", "Рубрика"),
        "sort": ("Sort", "Сортировка"),
        "page": ("Page", "Страница"),
        "of": ("of", "из"),
        "previous": ("Previous", "Назад"),
        "next": ("Next", "Вперёд"),
        "csv": ("Download CSV", "Скачать CSV"),
        "published": ("Published", "Опубликовано"),
        "text": ("Text", "Текст"),
        "role": ("Role", "Роль"),
        "add_user": ("Add user", "Добавить пользователя"),
        "user_added": ("User added.", "Пользователь добавлен."),
        "user_changed": ("Saved.", "Сохранено."),
        "user_removed": ("User removed.", "Пользователь удалён."),
        "save": ("Save", "Сохранить"),
        "remove": ("Remove", "Удалить"),
        "last_admin": ("The last admin cannot be removed or demoted.", "Нельзя удалить или понизить последнего администратора."),
        "language": ("Язык: русский", "Language: English"),
        "formula_hint": ("Hover over a figure to see its formula and inputs; each account page lists them all.",
                         "Наведите курсор на число, чтобы увидеть формулу и исходные данные; на странице аккаунта они перечислены полностью."),
    ]

    subscript(_ key: String) -> String {
        guard let t = Self.table[key] else { return key }
        return lang == .ru ? t.1 : t.0
    }

    /// Every word, for templates: `{{t.sign_in}}`.
    var all: [String: String] { Self.table.mapValues { lang == .ru ? $0.1 : $0.0 } }
}
