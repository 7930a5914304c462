"""``translate(context, text)``: Qt's translation look-up for code outside a QObject's methods
(module functions, plain classes, the HTML report). Inside a QObject use ``self.tr(text)``; for
module constants mark the text with ``QT_TRANSLATE_NOOP(context, text)`` and translate it where it
is shown. ``pyside6-lupdate`` collects all three forms (``make i18n``)."""

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate
